// The simulator's Cohere v2 routes, read as raw HTTP and raw SSE frames: shapes, strictness, faults
// and the bill.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, rawRequest, type RawResponse } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v2/chat`;
});
after(() => mock.close());
beforeEach(() => rawRequest(`${mock.url}/_mock/reset`, { method: 'POST' }));

const AUTH = { authorization: 'Bearer co-test' };
const MODEL = 'command-a-03-2025';
const TEXT = `Simulated answer from ${MODEL}: lorem ipsum dolor sit amet consectetur adipiscing elit`;
// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one message = 6.
const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'Hello there' }] };
const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];

function post(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return postJson(url, body, { ...AUTH, ...headers });
}

interface Frame {
  readonly event: string | undefined;
  readonly data: string;
}

/** SSE → frames; throws on anything that is not `event: X\ndata: …` or `data: [DONE]`. */
function frames(raw: string): Frame[] {
  assert.ok(raw.endsWith('\n\n'), `SSE body does not end with a blank line: ${JSON.stringify(raw.slice(-60))}`);
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      if (block === 'data: [DONE]') return { event: undefined, data: '[DONE]' };
      const m = /^event: ([a-z-]+)\ndata: (\{.*\})$/.exec(block);
      assert.ok(m, `not a Cohere SSE frame: ${JSON.stringify(block)}`);
      assert.equal((JSON.parse(m[2] as string) as { type: string }).type, m[1], 'the event name repeats the data type');
      return { event: m[1], data: m[2] as string };
    });
}

interface Stats {
  requests: number;
  by_model: Record<string, { prompt_tokens: number; completion_tokens: number }>;
}

async function stats(): Promise<Stats> {
  return JSON.parse((await rawRequest(`${mock.url}/_mock/stats`)).text) as Stats;
}

/** The bill of a broken stream is written when the server notices the break: wait for it (bounded). */
async function billed(): Promise<Stats> {
  for (let i = 0; i < 200; i++) {
    const s = await stats();
    if (s.requests > 0) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('nothing was billed within 2 s');
}

test('answers in Cohere shape: message content, finish_reason, usage (tokens and billed_units), trace id header', async () => {
  const res = await post(HELLO);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.headers.get('x-debug-trace-id'));
  const body = JSON.parse(res.text) as Record<string, unknown>;
  assert.match(body['id'] as string, /^[0-9a-f-]{36}$/);
  assert.deepEqual(body['message'], { role: 'assistant', content: [{ type: 'text', text: TEXT }] });
  assert.equal(body['finish_reason'], 'COMPLETE');
  const units = { input_tokens: 6, output_tokens: 12 };
  assert.deepEqual(body['usage'], { billed_units: units, tokens: units, cached_tokens: 0 });
});

test('streams named events: message-start, content-start/delta/end, message-end, then data: [DONE]', async () => {
  const res = await post({ ...HELLO, stream: true });
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const f = frames(res.text);
  assert.deepEqual(f.slice(0, 2).map((x) => x.event), ['message-start', 'content-start']);
  assert.deepEqual(f.slice(-3).map((x) => x.event ?? x.data), ['content-end', 'message-end', '[DONE]']);
  const text = f.filter((x) => x.event === 'content-delta').map((x) => (JSON.parse(x.data) as { delta: { message: { content: { text: string } } } }).delta.message.content.text);
  assert.equal(text.join(''), TEXT);
  const end = JSON.parse(f.at(-2)?.data ?? '') as { delta: { finish_reason: string; usage: { tokens: { output_tokens: number } } } };
  assert.equal(end.delta.finish_reason, 'COMPLETE');
  assert.equal(end.delta.usage.tokens.output_tokens, 12);
});

test('max_tokens caps the answer: MAX_TOKENS', async () => {
  const body = JSON.parse((await post({ ...HELLO, max_tokens: 4 })).text) as { finish_reason: string; usage: { tokens: { output_tokens: number } } };
  assert.equal(body.finish_reason, 'MAX_TOKENS');
  assert.equal(body.usage.tokens.output_tokens, 4);
});

test('a key is required: no Bearer is a 401 in Cohere shape', async () => {
  const res = await postJson(url, HELLO);
  assert.equal(res.status, 401);
  assert.deepEqual(JSON.parse(res.text), { message: 'no api key supplied' });
});

for (const [name, body, pattern] of [
  ['an OpenAI field (top_p)', { ...HELLO, top_p: 0.5 }, /unknown field: parameter top_p/],
  ['max_completion_tokens', { ...HELLO, max_completion_tokens: 5 }, /unknown field: parameter max_completion_tokens/],
  ['a lowercase tool_choice', { ...HELLO, tools: TOOLS, tool_choice: 'required' }, /tool_choice must be REQUIRED or NONE/],
  ['tool_choice without tools', { ...HELLO, tool_choice: 'REQUIRED' }, /tool_choice requires tools/],
  ['p = 1', { ...HELLO, p: 1 }, /p must be between 0.01 and 0.99/],
  ['a negative penalty', { ...HELLO, frequency_penalty: -1 }, /frequency_penalty must be between 0 and 1/],
  ['six stop sequences', { ...HELLO, stop_sequences: ['a', 'b', 'c', 'd', 'e', 'f'] }, /up to 5/],
  ['a message name', { ...HELLO, messages: [{ role: 'user', content: 'hi', name: 'bob' }] }, /unknown field 'name'/],
  [
    'a tool result without its call',
    { ...HELLO, messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'x', content: 'r' }] },
    /does not match a tool call/,
  ],
  [
    'a tool call without its result',
    {
      ...HELLO,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
        { role: 'user', content: 'and?' },
      ],
    },
    /tool calls without results: c1/,
  ],
] as const) {
  test(`rejects ${name} with a 400 "invalid request"`, async () => {
    const res = await post(body);
    assert.equal(res.status, 400, res.text);
    const msg = (JSON.parse(res.text) as { message: string }).message;
    assert.match(msg, /^invalid request: /);
    assert.match(msg, pattern);
  });
}

test('a scripted status answers in Cohere shape with the retry hint, and bills nothing', async () => {
  const res = await post(HELLO, { 'x-mock-status': '429', 'x-mock-retry-after': '3' });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '3');
  assert.match((JSON.parse(res.text) as { message: string }).message, /rate limit/);
  assert.equal((await stats()).requests, 0);
});

test('a mid-stream error is a message-end with error and finish_reason ERROR, no [DONE]; the bill is prompt + what was sent', async () => {
  const res = await post({ ...HELLO, stream: true }, { 'x-mock-error-after': '3' });
  const f = frames(res.text);
  const end = JSON.parse(f.at(-1)?.data ?? '') as { delta: { error?: string; finish_reason: string } };
  assert.equal(f.at(-1)?.event, 'message-end');
  assert.equal(end.delta.finish_reason, 'ERROR');
  assert.ok(end.delta.error);
  assert.equal(res.text.includes('[DONE]'), false);
  const s = await billed();
  assert.deepEqual([s.by_model[MODEL]?.prompt_tokens, s.by_model[MODEL]?.completion_tokens], [6, 3]);
});

test('a cut stream ends without message-end', async () => {
  const res = await post({ ...HELLO, stream: true }, { 'x-mock-cut-after': '2' });
  assert.equal(res.aborted, true);
  assert.equal(res.text.includes('message-end'), false);
});
