// The official @mistralai/mistralai SDK as the client of the simulator's Mistral dialect: with
// serverURL `{sim}/mistral` it calls /mistral/v1/chat/completions and /mistral/v1/embeddings. Its
// zod schemas validate every response and chunk, so if it reads ours, the simulator speaks the wire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Mistral } from '@mistralai/mistralai';
import { HTTPValidationError, MistralError } from '@mistralai/mistralai/models/errors';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let client: Mistral;
before(async () => {
  mock = await startMock({ port: 0, requireKey: 'mistral-test' });
  client = new Mistral({ apiKey: 'mistral-test', serverURL: `${mock.url}/mistral`, retryConfig: { strategy: 'none' } });
});
after(() => mock.close());

const MODEL = 'mistral-large-latest';
const TEXT = `Simulated answer from ${MODEL}: lorem ipsum dolor sit amet consectetur adipiscing elit`;
const BASE = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };
const TOOLS = [
  { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];

test('chat.complete reads a completion with usage, cached tokens included', async () => {
  const r = await client.chat.complete({ ...BASE, messages: [{ role: 'system', content: 'Be brief.' }, ...BASE.messages] }, { headers: { 'x-mock-cached-tokens': '2' } });
  assert.equal(r.choices[0]?.message?.content, TEXT);
  assert.equal(r.choices[0]?.finishReason, 'stop');
  assert.equal(r.usage.completionTokens, 12);
  assert.deepEqual(r.usage['prompt_tokens_details'], { cached_tokens: 2 });
});

test('chat.complete with reasoning: content is an array of a thinking chunk and a text chunk', async () => {
  const r = await client.chat.complete(BASE, { headers: { 'x-mock-reasoning-tokens': '4' } });
  const content = r.choices[0]?.message?.content;
  assert.ok(Array.isArray(content));
  assert.deepEqual(content.map((c) => c.type), ['thinking', 'text']);
  const text = content[1];
  assert.equal(text?.type === 'text' ? text.text : undefined, TEXT);
  assert.equal(r.usage.completionTokens, 16);
});

test('chat.stream assembles the same text; the last chunk has the finish reason and the usage', async () => {
  const stream = await client.chat.stream(BASE);
  let text = '';
  let finish: string | null | undefined;
  let usage: number | undefined;
  for await (const ev of stream) {
    const c = ev.data.choices[0];
    if (typeof c?.delta.content === 'string') text += c.delta.content;
    if (c?.finishReason) finish = c.finishReason;
    if (ev.data.usage) usage = ev.data.usage.completionTokens;
  }
  assert.equal(text, TEXT);
  assert.equal(finish, 'stop');
  assert.equal(usage, 12);
});

test('streamed parallel tool calls arrive whole, with 9-character ids, and go back on the next turn', async () => {
  const stream = await client.chat.stream({ ...BASE, tools: TOOLS }, { headers: { 'x-mock-tool-calls': '2' } });
  const calls: { id: string; name: string; arguments: string }[] = [];
  let finish: string | null | undefined;
  for await (const ev of stream) {
    const c = ev.data.choices[0];
    for (const tc of c?.delta.toolCalls ?? []) calls.push({ id: tc.id ?? '', name: tc.function.name, arguments: String(tc.function.arguments) });
    if (c?.finishReason) finish = c.finishReason;
  }
  assert.equal(finish, 'tool_calls');
  assert.deepEqual(calls.map((c) => [c.name, JSON.parse(c.arguments) as unknown]), [
    ['get_weather', { input: 'value 0', n: 0 }],
    ['get_time', { input: 'value 1', n: 1 }],
  ]);
  for (const c of calls) assert.match(c.id, /^[a-zA-Z0-9]{9}$/);
  const next = await client.chat.complete({
    ...BASE,
    tools: TOOLS,
    messages: [
      ...BASE.messages,
      { role: 'assistant', toolCalls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) },
      ...calls.map((c) => ({ role: 'tool' as const, toolCallId: c.id, name: c.name, content: 'done' })),
    ],
  });
  assert.equal(next.choices[0]?.finishReason, 'stop');
});

test('a mid-stream error chunk makes the SDK stream throw, after the text it had', async () => {
  const stream = await client.chat.stream(BASE, { headers: { 'x-mock-error-after': '3' } });
  let text = '';
  await assert.rejects(async () => {
    for await (const ev of stream) {
      const c = ev.data.choices[0];
      if (typeof c?.delta.content === 'string') text += c.delta.content;
    }
  });
  assert.equal(text, 'Simulated answer from');
});

test('embeddings.create returns one vector per input and the prompt tokens', async () => {
  const r = await client.embeddings.create({ model: 'mistral-embed', inputs: ['hello', 'world'] });
  assert.equal(r.data.length, 2);
  assert.equal(r.data[0]?.embedding?.length, 8);
  assert.equal(r.usage.promptTokens, 4);
});

test('a scripted 503 is a MistralError with status 503 and Mistral\'s error body', async () => {
  await assert.rejects(client.chat.complete(BASE, { headers: { 'x-mock-status': '503' } }), (err: unknown) => {
    assert.ok(err instanceof MistralError);
    assert.equal(err.statusCode, 503);
    assert.equal((JSON.parse(err.body) as { object?: string }).object, 'error');
    return true;
  });
});

test('a tool-call id that is not 9 characters is a 400, in Mistral\'s words', async () => {
  const req = {
    ...BASE,
    messages: [
      ...BASE.messages,
      { role: 'assistant' as const, toolCalls: [{ id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool' as const, toolCallId: 'call_1', content: 'sunny' },
    ],
  };
  await assert.rejects(client.chat.complete(req), (err: unknown) => {
    assert.ok(err instanceof MistralError);
    assert.equal(err.statusCode, 400);
    assert.match(err.body, /Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length of 9/);
    return true;
  });
});

test('a field Mistral does not take is a 422 HTTPValidationError (extra_forbidden)', async () => {
  const res = await fetch(`${mock.url}/mistral/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer mistral-test', 'content-type': 'application/json' },
    body: JSON.stringify({ ...BASE, stream_options: { include_usage: true } }),
  });
  assert.equal(res.status, 422);
  const body = (await res.json()) as { message: { detail: { type: string; loc: string[] }[] } };
  assert.deepEqual(body.message.detail[0]?.loc, ['body', 'stream_options']);
  assert.equal(body.message.detail[0]?.type, 'extra_forbidden');
  // Through the SDK, a 422 is its validation error class.
  await assert.rejects(client.chat.complete(BASE, { headers: { 'x-mock-status': '422' } }), HTTPValidationError);
});

test('a wrong key is a 401', async () => {
  const other = new Mistral({ apiKey: 'wrong', serverURL: `${mock.url}/mistral`, retryConfig: { strategy: 'none' } });
  await assert.rejects(other.chat.complete(BASE), (err: unknown) => err instanceof MistralError && err.statusCode === 401);
});
