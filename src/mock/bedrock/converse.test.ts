// The simulator's Bedrock routes, read as raw HTTP and raw event-stream messages (Bearer auth here;
// SigV4 has its own tests).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, type RunningMock } from '../server.js';
import { readEventStream } from './event-stream-read.js';

let mock: RunningMock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock.close());

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const AUTH = { authorization: 'Bearer bedrock-key', 'content-type': 'application/json' };
// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one message = 6.
const HELLO = { messages: [{ role: 'user', content: [{ text: 'Hello there' }] }] };
const TOOLS = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }, { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object' } } } }] };
const FULL_TEXT = `Simulated answer from ${MODEL}: lorem ipsum dolor sit amet consectetur adipiscing elit`;

interface Raw {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
  readonly aborted: boolean;
}

async function post(op: string, body: unknown, headers: Record<string, string> = {}, model = MODEL): Promise<Raw> {
  const res = await fetch(`${mock.url}/model/${encodeURIComponent(model)}/${op}`, { method: 'POST', headers: { ...AUTH, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const chunks: Uint8Array[] = [];
  let aborted = false;
  try {
    for await (const c of res.body ?? []) chunks.push(c as Uint8Array);
  } catch {
    aborted = true;
  }
  return { status: res.status, headers: res.headers, bytes: Buffer.concat(chunks), aborted };
}

const json = (r: Raw): Record<string, unknown> => JSON.parse(Buffer.from(r.bytes).toString('utf8')) as Record<string, unknown>;

test('Converse answers in Bedrock shape, with x-amzn-RequestId, usage and metrics', async () => {
  const res = await post('converse', HELLO);
  assert.equal(res.status, 200);
  assert.ok(res.headers.get('x-amzn-requestid'));
  const body = json(res);
  assert.deepEqual(body['output'], { message: { role: 'assistant', content: [{ text: FULL_TEXT }] } });
  assert.equal(body['stopReason'], 'end_turn');
  assert.deepEqual(body['usage'], { inputTokens: 6, outputTokens: 12, totalTokens: 18 });
  assert.equal(typeof (body['metrics'] as { latencyMs: unknown }).latencyMs, 'number');
});

test('ConverseStream sends binary event-stream messages: messageStart, deltas, contentBlockStop, messageStop, then metadata', async () => {
  const res = await post('converse-stream', HELLO, { 'x-mock-cached-tokens': '2' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.amazon.eventstream');
  const messages = readEventStream(res.bytes);
  assert.ok(messages.every((m) => m.headers[':message-type'] === 'event' && m.headers[':content-type'] === 'application/json'));
  const types = messages.map((m) => m.headers[':event-type']);
  assert.deepEqual(types.slice(0, 2), ['messageStart', 'contentBlockDelta']);
  assert.deepEqual(types.slice(-3), ['contentBlockStop', 'messageStop', 'metadata']);
  const text = messages.filter((m) => m.headers[':event-type'] === 'contentBlockDelta').map((m) => (m.payload['delta'] as { text: string }).text).join('');
  assert.equal(text, FULL_TEXT);
  assert.ok(messages.every((m) => typeof m.payload['p'] === 'string'), 'every payload carries the p padding');
  const meta = messages.at(-1)?.payload as { usage: Record<string, number> };
  assert.deepEqual(meta.usage, { inputTokens: 4, outputTokens: 12, totalTokens: 18, cacheReadInputTokens: 2, cacheWriteInputTokens: 0 });
});

test('parallel tool calls stream one toolUse block at a time after a signed reasoning block; reasoning is inside outputTokens', async () => {
  const res = await post('converse-stream', { ...HELLO, toolConfig: TOOLS }, { 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '5' });
  const messages = readEventStream(res.bytes);
  const starts = messages.filter((m) => m.headers[':event-type'] === 'contentBlockStart').map((m) => m.payload);
  assert.deepEqual(starts.map((s) => s['contentBlockIndex']), [1, 2]);
  assert.deepEqual(starts.map((s) => (s['start'] as { toolUse: { name: string } }).toolUse.name), ['get_weather', 'get_time']);
  const reasoning = messages.filter((m) => (m.payload['delta'] as Record<string, unknown> | undefined)?.['reasoningContent'] !== undefined);
  assert.equal(reasoning.every((m) => m.payload['contentBlockIndex'] === 0), true);
  assert.ok(reasoning.some((m) => typeof ((m.payload['delta'] as Record<string, Record<string, unknown>>)['reasoningContent'] ?? {})['signature'] === 'string'));
  const stop = messages.find((m) => m.headers[':event-type'] === 'messageStop');
  assert.equal(stop?.payload['stopReason'], 'tool_use');
  assert.equal((messages.at(-1)?.payload['usage'] as { outputTokens: number }).outputTokens, 5 + 2 * 5);
  const whole = json(await post('converse', { ...HELLO, toolConfig: TOOLS }, { 'x-mock-tool-calls': '2' }));
  const content = (whole['output'] as { message: { content: { toolUse: { input: unknown } }[] } }).message.content;
  assert.deepEqual(content.map((c) => c.toolUse.input), [{ input: 'value 0', n: 0 }, { input: 'value 1', n: 1 }]);
});

test('cache reads and writes are reported beside inputTokens; they add up to the prompt', async () => {
  const body = json(await post('converse', HELLO, { 'x-mock-cached-tokens': '2', 'x-mock-cache-write-tokens': '1' }));
  assert.deepEqual(body['usage'], { inputTokens: 3, outputTokens: 12, totalTokens: 18, cacheReadInputTokens: 2, cacheWriteInputTokens: 1 });
});

test('x-mock-error-after ends the stream with a modelStreamErrorException message; x-mock-cut-after drops the connection', async () => {
  const failed = readEventStream((await post('converse-stream', HELLO, { 'x-mock-error-after': '2' })).bytes);
  assert.equal(failed.filter((m) => m.headers[':event-type'] === 'contentBlockDelta').length, 2);
  const last = failed.at(-1);
  assert.equal(last?.headers[':message-type'], 'exception');
  assert.equal(last?.headers[':exception-type'], 'modelStreamErrorException');
  assert.match(String(last?.payload['message']), /Retry your request/);
  const cut = await post('converse-stream', HELLO, { 'x-mock-cut-after': '3' });
  assert.equal(cut.aborted, true);
  assert.equal(readEventStream(cut.bytes).length, 4);
});

test('scripted statuses come back as Bedrock exceptions: x-amzn-ErrorType + {"message"}, retry-after only when scripted', async () => {
  const table: [number, string][] = [
    [400, 'ValidationException'],
    [408, 'ModelTimeoutException'],
    [424, 'ModelErrorException'],
    [429, 'ThrottlingException'],
    [500, 'InternalServerException'],
    [503, 'ServiceUnavailableException'],
  ];
  for (const [status, name] of table) {
    const res = await post('converse', HELLO, { 'x-mock-status': String(status), ...(status === 429 ? { 'x-mock-retry-after': '3' } : {}) });
    assert.equal(res.status, status);
    assert.equal(res.headers.get('x-amzn-errortype')?.split(':')[0], name);
    assert.ok(res.headers.get('x-amzn-requestid'));
    assert.deepEqual(Object.keys(json(res)), ['message']);
    assert.equal(res.headers.get('retry-after'), status === 429 ? '3' : null);
  }
});

test('Bedrock-strict validation: 400 ValidationException for what Converse rejects', async () => {
  const user = (text: string) => ({ role: 'user', content: [{ text }] });
  const assistant = (content: unknown[]) => ({ role: 'assistant', content });
  const cases: [unknown, RegExp][] = [
    [{ messages: [assistant([{ text: 'x' }])] }, /must start with a user message/],
    [{ messages: [user('a'), user('b')] }, /must alternate between user and assistant/],
    [{ messages: [user('  ')] }, /is blank/],
    [{ ...HELLO, modelId: MODEL }, /extraneous key \[modelId\]/],
    [{ ...HELLO, inferenceConfig: { temperature: 1.5 } }, /between 0 and 1/],
    [{ messages: [{ role: 'user', content: [{ text: 'x', image: {} }] }] }, /exactly one of/],
    [{ messages: [{ role: 'user', content: [{ image: { format: 'png', source: { url: 'https://x/y.png' } } }] }] }, /does not fetch URLs/],
    [{ messages: [user('a'), assistant([{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }]), { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'ok' }] } }] }] }, /toolConfig field must be defined/],
    [{ messages: [user('a'), assistant([{ toolUse: { toolUseId: 't1', name: 'get_weather', input: {} } }]), user('b')], toolConfig: TOOLS }, /Expected toolResult blocks at messages.2.content for the following Ids: t1/],
    [{ ...HELLO, outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: { type: 'object' } } } } } }, /JSON schema as a string/],
    [{ ...HELLO, toolConfig: { ...TOOLS, toolChoice: { tool: { name: 'other' } } } }, /must name one of the offered tools/],
    ['{not json', /Malformed input request/],
  ];
  for (const [body, message] of cases) {
    const res = await post('converse', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.headers.get('x-amzn-errortype')?.split(':')[0], 'ValidationException');
    assert.match(String(json(res)['message']), message);
  }
});

test('auth: no Authorization is 403 MissingAuthenticationToken; a Bearer key must match requireKey when set', async () => {
  const none = await fetch(`${mock.url}/model/${encodeURIComponent(MODEL)}/converse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HELLO) });
  assert.equal(none.status, 403);
  assert.equal(none.headers.get('x-amzn-errortype')?.split(':')[0], 'MissingAuthenticationTokenException');
  const strict = await startMock({ port: 0, requireKey: 'right-key' });
  try {
    const url = `${strict.url}/model/${encodeURIComponent(MODEL)}/converse`;
    const wrong = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer wrong-key' }, body: JSON.stringify(HELLO) });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.headers.get('x-amzn-errortype')?.split(':')[0], 'AccessDeniedException');
    assert.equal((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer right-key' }, body: JSON.stringify(HELLO) })).status, 200);
  } finally {
    await strict.close();
  }
});

test('InvokeModel embeds with Titan v2 (one text) and Cohere (many), with token counts in a header; other models are refused', async () => {
  const titan = await post('invoke', { inputText: 'hello world', dimensions: 256 }, {}, 'amazon.titan-embed-text-v2:0');
  assert.equal(titan.status, 200);
  const t = json(titan) as { embedding: number[]; inputTextTokenCount: number };
  assert.equal(t.embedding.length, 256);
  assert.equal(t.inputTextTokenCount, 3);
  assert.equal(titan.headers.get('x-amzn-bedrock-input-token-count'), '3');
  const cohere = json(await post('invoke', { texts: ['a', 'bb'], input_type: 'search_document', embedding_types: ['float'] }, {}, 'cohere.embed-english-v3')) as { embeddings: { float: number[][] }; response_type: string };
  assert.equal(cohere.response_type, 'embeddings_by_type');
  assert.deepEqual(cohere.embeddings.float.map((v) => v.length), [1024, 1024]);
  const plain = json(await post('invoke', { texts: ['a'], input_type: 'search_query' }, {}, 'cohere.embed-english-v3')) as { embeddings: number[][] };
  assert.ok(Array.isArray(plain.embeddings[0]));
  assert.equal((await post('invoke', { inputText: 'x', texts: [] }, {}, 'amazon.titan-embed-text-v2:0')).status, 400);
  assert.equal((await post('invoke', { prompt: 'x' }, {}, MODEL)).status, 400);
  assert.equal((await post('converse-other', HELLO)).status, 404);
});

test('bills the shared ledger per model: full answers, and prompt + sent deltas for a broken stream', async () => {
  await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
  await post('converse', HELLO, { 'x-mock-reasoning-tokens': '3' });
  await post('converse-stream', HELLO, { 'x-mock-cut-after': '4' });
  await post('converse', HELLO, { 'x-mock-status': '429' });
  await post('invoke', { inputText: 'hello world' }, {}, 'amazon.titan-embed-text-v2:0');
  const stats = (await (await fetch(`${mock.url}/_mock/stats`)).json()) as { requests: number; errors: number; by_model: Record<string, Record<string, number>> };
  assert.equal(stats.requests, 3);
  assert.equal(stats.errors, 1);
  assert.deepEqual(stats.by_model[MODEL], { requests: 2, prompt_tokens: 12, completion_tokens: 15 + 4, cached_tokens: 0, reasoning_tokens: 3 });
  assert.deepEqual(stats.by_model['amazon.titan-embed-text-v2:0'], { requests: 1, prompt_tokens: 3, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0 });
});
