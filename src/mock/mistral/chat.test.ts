// The simulator's Mistral chat route (/mistral/v1/chat/completions), read as raw HTTP and raw SSE
// frames: shapes, strictness, faults and the bill.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, rawRequest, sseData, type RawResponse } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/mistral/v1/chat/completions`;
});
after(() => mock.close());
beforeEach(() => rawRequest(`${mock.url}/_mock/reset`, { method: 'POST' }));

const AUTH = { authorization: 'Bearer mistral-test' };
const MODEL = 'mistral-large-latest';
const TEXT = `Simulated answer from ${MODEL}: lorem ipsum dolor sit amet consectetur adipiscing elit`;
// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one message = 6.
const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'Hello there' }] };
const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];
const CALL = (id: string) => ({ id, type: 'function', function: { name: 'get_time', arguments: '{}' } });

function post(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return postJson(url, body, { ...AUTH, ...headers });
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: Record<string, unknown> };

function chunks(raw: string): (Chunk | '[DONE]')[] {
  return sseData(raw).map((d) => (d === '[DONE]' ? '[DONE]' : (JSON.parse(d) as Chunk)));
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

test('answers a chat.completion with usage (cached and reasoning details) and a correlation id', async () => {
  const res = await post(HELLO);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.headers.get('mistral-correlation-id'));
  const body = JSON.parse(res.text) as { object: string; choices: { message: { content: string; tool_calls: null }; finish_reason: string }[]; usage: Record<string, unknown> };
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.choices[0]?.message.content, TEXT);
  assert.equal(body.choices[0]?.finish_reason, 'stop');
  assert.deepEqual(body.usage, {
    prompt_tokens: 6,
    total_tokens: 18,
    completion_tokens: 12,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
});

test('streams data-only chunks: role chunk, words, a last chunk with finish_reason AND usage, then [DONE]', async () => {
  const c = chunks((await post({ ...HELLO, stream: true })).text);
  assert.equal(c.at(-1), '[DONE]');
  const last = c.at(-2) as Chunk;
  assert.equal(last.choices[0]?.finish_reason, 'stop');
  assert.equal(last.usage?.['completion_tokens'], 12);
  const body = c.slice(0, -2) as Chunk[];
  assert.ok(body.every((x) => x.usage === undefined && x.choices[0]?.finish_reason === null));
  assert.equal(body.map((x) => x.choices[0]?.delta['content']).join(''), TEXT);
});

test('max_tokens caps the answer: length', async () => {
  const body = JSON.parse((await post({ ...HELLO, max_tokens: 3 })).text) as { choices: { finish_reason: string }[]; usage: { completion_tokens: number } };
  assert.equal(body.choices[0]?.finish_reason, 'length');
  assert.equal(body.usage.completion_tokens, 3);
});

test('a key is required', async () => {
  const res = await postJson(url, HELLO);
  assert.equal(res.status, 401);
  assert.equal((JSON.parse(res.text) as { object: string }).object, 'error');
});

for (const field of ['stream_options', 'logprobs', 'user', 'seed', 'max_completion_tokens', 'top_k']) {
  test(`an OpenAI field Mistral does not take (${field}) is a 422 extra_forbidden`, async () => {
    const res = await post({ ...HELLO, [field]: field === 'stream_options' ? { include_usage: true } : 1 });
    assert.equal(res.status, 422, res.text);
    const body = JSON.parse(res.text) as { object: string; message: { detail: { type: string; loc: unknown[] }[] } };
    assert.equal(body.object, 'error');
    assert.deepEqual(body.message.detail[0], { type: 'extra_forbidden', loc: ['body', field], msg: 'Extra inputs are not permitted', input: field === 'stream_options' ? { include_usage: true } : 1 });
  });
}

test("a user message's name is a 422 extra_forbidden at its place", async () => {
  const res = await post({ ...HELLO, messages: [{ role: 'user', content: 'hi', name: 'bob' }] });
  assert.equal(res.status, 422);
  assert.deepEqual((JSON.parse(res.text) as { message: { detail: { loc: unknown[] }[] } }).message.detail[0]?.loc, ['body', 'messages', 0, 'user', 'name']);
});

for (const [name, messages, pattern] of [
  ['an OpenAI tool-call id', [HELLO.messages[0], { role: 'assistant', tool_calls: [CALL('call_abc')] }, { role: 'tool', tool_call_id: 'call_abc', content: 'r' }], /Tool call id was call_abc but must be a-z, A-Z, 0-9, with a length of 9\./],
  ['a call without its result', [HELLO.messages[0], { role: 'assistant', tool_calls: [CALL('abcdefghi')] }, { role: 'user', content: 'and?' }], /Not the same number of function calls and responses/],
  ['a result for no call', [HELLO.messages[0], { role: 'tool', tool_call_id: 'abcdefghi', content: 'r' }], /Unexpected tool call id/],
  ['a trailing assistant without prefix', [HELLO.messages[0], { role: 'assistant', content: 'Sure' }], /Expected last role User or Tool \(or Assistant with prefix True\)/],
] as const) {
  test(`${name} is a 400 in Mistral's words`, async () => {
    const res = await post({ ...HELLO, tools: TOOLS, messages });
    assert.equal(res.status, 400, res.text);
    const body = JSON.parse(res.text) as { object: string; message: string };
    assert.equal(body.object, 'error');
    assert.match(body.message, pattern);
  });
}

test('a trailing assistant with prefix: true is a prefill, and answered', async () => {
  const res = await post({ ...HELLO, messages: [HELLO.messages[0], { role: 'assistant', content: 'Sure', prefix: true }] });
  assert.equal(res.status, 200, res.text);
});

test('streamed parallel tool calls: one whole call per chunk, 9-character ids, finish tool_calls', async () => {
  const c = chunks((await post({ ...HELLO, tools: TOOLS, stream: true }, { 'x-mock-tool-calls': '3' })).text);
  const calls = (c.filter((x) => x !== '[DONE]') as Chunk[]).flatMap((x) => (x.choices[0]?.delta['tool_calls'] as { id: string; index: number; function: { name: string; arguments: string } }[] | undefined) ?? []);
  assert.deepEqual(calls.map((x) => [x.index, x.function.name, JSON.parse(x.function.arguments) as unknown]), [
    [0, 'get_weather', { input: 'value 0', n: 0 }],
    [1, 'get_time', { input: 'value 1', n: 1 }],
    [2, 'get_weather', { input: 'value 2', n: 2 }],
  ]);
  for (const x of calls) assert.match(x.id, /^[a-zA-Z0-9]{9}$/);
  assert.equal((c.at(-2) as Chunk).choices[0]?.finish_reason, 'tool_calls');
});

test('a mid-stream error is an error chunk in Mistral shape, then the end, no [DONE]; the bill is prompt + what was sent', async () => {
  const c = chunks((await post({ ...HELLO, stream: true }, { 'x-mock-error-after': '3' })).text);
  assert.equal((c.at(-1) as unknown as { object: string }).object, 'error');
  assert.equal(c.includes('[DONE]'), false);
  const s = await billed();
  assert.deepEqual([s.by_model[MODEL]?.prompt_tokens, s.by_model[MODEL]?.completion_tokens], [6, 3]);
});

test('a stream cut after one tool call bills that call (5 tokens)', async () => {
  const res = await post({ ...HELLO, tools: TOOLS, stream: true }, { 'x-mock-tool-calls': '2', 'x-mock-cut-after': '1' });
  assert.equal(res.aborted, true);
  const s = await billed();
  assert.equal(s.by_model[MODEL]?.completion_tokens, 5);
});
