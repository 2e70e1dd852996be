// The official cohere-ai SDK (CohereClientV2) as the client of the simulator's /v2/chat and
// /v2/embed: if the SDK reads our JSON, our SSE and our errors, the simulator speaks Cohere's wire.
// The SDK joins `environment` and "v2/chat", so the simulator's origin is the environment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CohereClientV2, CohereError, Cohere } from 'cohere-ai';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let client: CohereClientV2;
before(async () => {
  mock = await startMock({ port: 0, requireKey: 'co-test' });
  client = new CohereClientV2({ token: 'co-test', environment: mock.url });
});
after(() => mock.close());

const MODEL = 'command-a-03-2025';
const TEXT = `Simulated answer from ${MODEL}: lorem ipsum dolor sit amet consectetur adipiscing elit`;
const BASE = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };
const TOOLS: Cohere.ToolV2[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];

function textOf(content: Cohere.AssistantMessageResponseContentItem[] | undefined): string {
  return (content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('');
}

test('chat reads a message, its finish reason and usage (cached tokens inside input)', async () => {
  const r = await client.chat({ ...BASE, messages: [{ role: 'system', content: 'Be brief.' }, ...BASE.messages] }, { headers: { 'x-mock-cached-tokens': '2' } });
  assert.equal(textOf(r.message.content), TEXT);
  assert.equal(r.finishReason, 'COMPLETE');
  assert.equal(r.usage?.tokens?.outputTokens, 12);
  assert.equal(r.usage?.cachedTokens, 2);
  assert.ok((r.usage?.tokens?.inputTokens ?? 0) > 2);
});

test('chatStream assembles the same text, and message-end carries finish reason and usage', async () => {
  const stream = await client.chatStream(BASE);
  let text = '';
  let end: Cohere.V2ChatStreamResponse.MessageEnd | undefined;
  for await (const ev of stream) {
    if (ev.type === 'content-delta') text += ev.delta?.message?.content?.text ?? '';
    if (ev.type === 'message-end') end = ev;
  }
  assert.equal(text, TEXT);
  assert.equal(end?.delta?.finishReason, 'COMPLETE');
  assert.equal(end?.delta?.usage?.tokens?.outputTokens, 12);
});

test('parallel tool calls stream one after another, each with its id, name and arguments', async () => {
  const stream = await client.chatStream({ ...BASE, tools: TOOLS }, { headers: { 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '3' } });
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let thinking = '';
  let plan = '';
  let finish: string | undefined;
  for await (const ev of stream) {
    if (ev.type === 'content-delta') thinking += ev.delta?.message?.content?.thinking ?? '';
    if (ev.type === 'tool-plan-delta') plan += ev.delta?.message?.toolPlan ?? '';
    if (ev.type === 'tool-call-start') {
      const tc = ev.delta?.message?.toolCalls;
      calls.set(ev.index ?? -1, { id: tc?.id ?? '', name: tc?.function?.name ?? '', args: tc?.function?.arguments ?? '' });
    }
    if (ev.type === 'tool-call-delta') {
      const c = calls.get(ev.index ?? -1);
      if (c) c.args += ev.delta?.message?.toolCalls?.function?.arguments ?? '';
    }
    if (ev.type === 'message-end') finish = ev.delta?.finishReason;
  }
  assert.equal(finish, 'TOOL_CALL');
  assert.ok(thinking.length > 0 && plan.length > 0);
  // The thinking item holds Cohere's index 0: the calls are 1 and 2.
  assert.deepEqual([...calls.keys()], [1, 2]);
  assert.deepEqual([...calls.values()].map((c) => [c.name, JSON.parse(c.args) as unknown]), [
    ['get_weather', { input: 'value 0', n: 0 }],
    ['get_time', { input: 'value 1', n: 1 }],
  ]);
  assert.notEqual(calls.get(1)?.id, calls.get(2)?.id);
});

test('chat returns tool calls with the tool plan, and accepts their results on the next turn', async () => {
  const r = await client.chat({ ...BASE, tools: TOOLS }, { headers: { 'x-mock-tool-calls': '2' } });
  assert.equal(r.finishReason, 'TOOL_CALL');
  const calls = r.message.toolCalls ?? [];
  assert.equal(calls.length, 2);
  const next = await client.chat({
    ...BASE,
    tools: TOOLS,
    messages: [
      ...BASE.messages,
      { role: 'assistant', toolPlan: r.message.toolPlan, toolCalls: calls },
      ...calls.map((c) => ({ role: 'tool' as const, toolCallId: c.id, content: 'done' })),
    ],
  });
  assert.equal(next.finishReason, 'COMPLETE');
});

test('a mid-stream failure reaches the SDK as a message-end with an error, after the text so far', async () => {
  const stream = await client.chatStream(BASE, { headers: { 'x-mock-error-after': '3' } });
  let text = '';
  let end: Cohere.V2ChatStreamResponse.MessageEnd | undefined;
  for await (const ev of stream) {
    if (ev.type === 'content-delta') text += ev.delta?.message?.content?.text ?? '';
    if (ev.type === 'message-end') end = ev;
  }
  assert.equal(text, `Simulated answer from`);
  assert.equal(end?.delta?.finishReason, 'ERROR');
  assert.match(end?.delta?.error ?? '', /internal server error/);
});

test('embed returns float vectors and billed input tokens', async () => {
  const r = await client.embed({ model: 'embed-v4.0', texts: ['hello', 'world'], inputType: 'search_document', embeddingTypes: ['float'] });
  assert.equal(r.embeddings.float?.length, 2);
  assert.equal(r.embeddings.float?.[0]?.length, 8);
  assert.equal(r.meta?.billedUnits?.inputTokens, 4);
});

test('a 503 is a ServiceUnavailableError with Cohere\'s message body', async () => {
  await assert.rejects(client.chat(BASE, { headers: { 'x-mock-status': '503' }, maxRetries: 0 }), (err: unknown) => {
    assert.ok(err instanceof Cohere.ServiceUnavailableError);
    assert.equal(err.statusCode, 503);
    assert.match(String((err.body as { message?: string }).message), /service unavailable/);
    return true;
  });
});

test('a 498 is an InvalidTokenError; a wrong key is an UnauthorizedError', async () => {
  await assert.rejects(client.chat(BASE, { headers: { 'x-mock-status': '498' }, maxRetries: 0 }), Cohere.InvalidTokenError);
  const other = new CohereClientV2({ token: 'co-wrong', environment: mock.url });
  await assert.rejects(other.chat(BASE, { maxRetries: 0 }), (err: unknown) => err instanceof Cohere.UnauthorizedError && err instanceof CohereError);
});

test('a request Cohere would refuse (p outside 0.01–0.99) is a BadRequestError', async () => {
  await assert.rejects(client.chat({ ...BASE, p: 1 }, { maxRetries: 0 }), (err: unknown) => {
    assert.ok(err instanceof Cohere.BadRequestError);
    assert.match(String((err.body as { message?: string }).message), /^invalid request: p must be between/);
    return true;
  });
});
