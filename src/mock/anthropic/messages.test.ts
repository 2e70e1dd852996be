// The simulator's Anthropic Messages route, read as raw HTTP and raw SSE frames.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, type RawResponse } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v1/messages`;
});
after(() => mock.close());

const AUTH = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one message = 6.
const HELLO = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello there' }] };
const TOOLS = [
  { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
  { name: 'get_time', input_schema: { type: 'object', properties: {} } },
];

function post(body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return postJson(url, body, { ...AUTH, ...headers });
}

interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

/** Named-event SSE → frames; throws on anything that is not `event: X\ndata: {...}\n\n`. */
function frames(raw: string): SseFrame[] {
  if (raw === '') return [];
  assert.ok(raw.endsWith('\n\n'), `SSE body does not end with a blank line: ${JSON.stringify(raw.slice(-60))}`);
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const m = /^event: ([a-z_]+)\ndata: (.*)$/.exec(block);
      assert.ok(m, `not an Anthropic SSE frame: ${JSON.stringify(block)}`);
      const data = JSON.parse(m[2] as string) as Record<string, unknown>;
      assert.equal(data['type'], m[1], 'the event name repeats the data type');
      return { event: m[1] as string, data };
    });
}

function usageOf(f: SseFrame | undefined): Record<string, unknown> {
  const d = f?.data;
  const u = d?.['type'] === 'message_start' ? (d['message'] as Record<string, unknown>)['usage'] : d?.['usage'];
  return u as Record<string, unknown>;
}

test('answers a non-streamed message in Anthropic shape', async () => {
  const res = await post(HELLO);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('request-id') ?? '', /^req_/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  assert.match(body['id'] as string, /^msg_/);
  assert.equal(body['type'], 'message');
  assert.equal(body['role'], 'assistant');
  assert.equal(body['model'], 'claude-sonnet-4-5');
  assert.equal(body['stop_reason'], 'end_turn');
  assert.deepEqual(body['content'], [{ type: 'text', text: 'Simulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit' }]);
  const usage = body['usage'] as Record<string, unknown>;
  assert.equal(usage['input_tokens'], 6);
  assert.equal(usage['output_tokens'], 12);
  assert.equal(usage['cache_read_input_tokens'], 0);
});

test('streams named events: message_start, block, ping, deltas, message_delta, message_stop — no [DONE]', async () => {
  const res = await post({ ...HELLO, stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const f = frames(res.text);
  assert.deepEqual(f.slice(0, 3).map((x) => x.event), ['message_start', 'content_block_start', 'ping']);
  assert.deepEqual(f.slice(-3).map((x) => x.event), ['content_block_stop', 'message_delta', 'message_stop']);
  const text = f.filter((x) => x.event === 'content_block_delta').map((x) => (x.data['delta'] as { text: string }).text).join('');
  assert.equal(text, 'Simulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit');
  assert.equal(res.text.includes('[DONE]'), false);
  // message_start has the input side and a provisional output; message_delta is cumulative.
  assert.equal(usageOf(f[0])['input_tokens'], 6);
  assert.equal(usageOf(f[0])['output_tokens'], 1);
  const delta = f.at(-2);
  assert.equal((delta?.data['delta'] as Record<string, unknown>)['stop_reason'], 'end_turn');
  assert.equal(usageOf(delta)['output_tokens'], 12);
});

test('R5: parallel tool_use blocks stream one after another with their own block index and id', async () => {
  const res = await post({ ...HELLO, tools: TOOLS, stream: true }, { 'x-mock-tool-calls': '3' });
  const f = frames(res.text);
  const starts = f.filter((x) => x.event === 'content_block_start').map((x) => ({ index: x.data['index'], block: x.data['content_block'] as Record<string, unknown> }));
  assert.deepEqual(starts.map((s) => s.index), [0, 1, 2]);
  assert.deepEqual(starts.map((s) => s.block['name']), ['get_weather', 'get_time', 'get_weather']);
  assert.equal(new Set(starts.map((s) => s.block['id'])).size, 3);
  for (const s of starts) assert.match(s.block['id'] as string, /^toolu_/);
  // Blocks never interleave: each block's deltas sit between its start and its stop.
  let open: unknown;
  const args = new Map<unknown, string>();
  for (const x of f) {
    if (x.event === 'content_block_start') open = x.data['index'];
    if (x.event === 'content_block_delta') {
      assert.equal(x.data['index'], open);
      args.set(open, (args.get(open) ?? '') + (x.data['delta'] as { partial_json: string }).partial_json);
    }
    if (x.event === 'content_block_stop') assert.equal(x.data['index'], open);
  }
  assert.deepEqual([...args.values()].map((a) => JSON.parse(a) as unknown), [0, 1, 2].map((n) => ({ input: `value ${n}`, n })));
  assert.equal((f.at(-2)?.data['delta'] as Record<string, unknown>)['stop_reason'], 'tool_use');
});

test('a non-streamed tool answer carries tool_use blocks with input objects', async () => {
  const res = await post({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '2' });
  const body = JSON.parse(res.text) as { content: { type: string; id: string; name: string; input: unknown }[]; stop_reason: string };
  assert.equal(body.stop_reason, 'tool_use');
  assert.deepEqual(body.content.map((b) => [b.type, b.name, b.input]), [
    ['tool_use', 'get_weather', { input: 'value 0', n: 0 }],
    ['tool_use', 'get_time', { input: 'value 1', n: 1 }],
  ]);
});

test('x-mock-reasoning-tokens adds a thinking block (index 0, with signature) and counts it inside output_tokens', async () => {
  const res = await post({ ...HELLO, stream: true }, { 'x-mock-reasoning-tokens': '9' });
  const f = frames(res.text);
  const starts = f.filter((x) => x.event === 'content_block_start');
  assert.deepEqual(starts.map((x) => [x.data['index'], (x.data['content_block'] as { type: string }).type]), [[0, 'thinking'], [1, 'text']]);
  const deltaTypes = f.filter((x) => x.event === 'content_block_delta' && x.data['index'] === 0).map((x) => (x.data['delta'] as { type: string }).type);
  assert.deepEqual(deltaTypes, ['thinking_delta', 'thinking_delta', 'signature_delta']);
  const u = usageOf(f.at(-2));
  assert.equal(u['output_tokens'], 21);
  assert.deepEqual(u['output_tokens_details'], { thinking_tokens: 9 });
  const whole = JSON.parse((await post(HELLO, { 'x-mock-reasoning-tokens': '9' })).text) as { content: { type: string; signature?: string }[] };
  assert.equal(whole.content[0]?.type, 'thinking');
  assert.ok(whole.content[0]?.signature);
});

test('cached tokens are reported BESIDE input_tokens (cache_read), cache writes likewise; the prompt total is unchanged', async () => {
  const res = await post(HELLO, { 'x-mock-cached-tokens': '2', 'x-mock-cache-write-tokens': '3' });
  const u = (JSON.parse(res.text) as { usage: Record<string, number> }).usage;
  assert.equal(u['cache_read_input_tokens'], 2);
  assert.equal(u['cache_creation_input_tokens'], 3);
  assert.equal(u['input_tokens'], 1);
  assert.equal((u['input_tokens'] ?? 0) + (u['cache_read_input_tokens'] ?? 0) + (u['cache_creation_input_tokens'] ?? 0), 6);
  const bad = await post(HELLO, { 'x-mock-cache-write-tokens': 'lots' });
  assert.equal(bad.status, 400);
});

test('x-mock-error-after sends `event: error` (overloaded_error) after a 200, then ends without message_stop', async () => {
  const res = await post({ ...HELLO, stream: true }, { 'x-mock-error-after': '2' });
  assert.equal(res.status, 200);
  const f = frames(res.text);
  assert.equal(f.at(-1)?.event, 'error');
  assert.deepEqual(f.at(-1)?.data['error'], { type: 'overloaded_error', message: 'Overloaded' });
  assert.equal(f.filter((x) => x.event === 'content_block_delta').length, 2);
  assert.equal(f.some((x) => x.event === 'message_stop'), false);
});

test('x-mock-cut-after drops the connection mid-stream: no message_delta, no message_stop', async () => {
  const res = await post({ ...HELLO, stream: true }, { 'x-mock-cut-after': '3' });
  assert.equal(res.aborted, true);
  assert.equal(res.text.includes('message_stop'), false);
  assert.equal(res.text.includes('message_delta'), false);
});

test('scripted statuses come in Anthropic error shape: 529 overloaded_error, 429 with retry-after', async () => {
  const over = await post(HELLO, { 'x-mock-status': '529' });
  assert.equal(over.status, 529);
  const body = JSON.parse(over.text) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'overloaded_error');
  const limited = await post(HELLO, { 'x-mock-status': '429', 'x-mock-retry-after': '7' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '7');
  assert.equal((JSON.parse(limited.text) as { error: { type: string } }).error.type, 'rate_limit_error');
});

test('requires a key (x-api-key or Bearer) and anthropic-version', async () => {
  const noKey = await postJson(url, HELLO, { 'anthropic-version': '2023-06-01' });
  assert.equal(noKey.status, 401);
  assert.equal((JSON.parse(noKey.text) as { error: { type: string } }).error.type, 'authentication_error');
  const bearer = await postJson(url, HELLO, { 'anthropic-version': '2023-06-01', authorization: 'Bearer sk-ant-oauth' });
  assert.equal(bearer.status, 200, 'Authorization: Bearer is accepted too (recent SDKs send it)');
  const noVersion = await postJson(url, HELLO, { 'x-api-key': 'k' });
  assert.equal(noVersion.status, 400);
  assert.match(noVersion.text, /anthropic-version/);
  const locked = await startMock({ port: 0, requireKey: 'sk-right' });
  try {
    const wrong = await postJson(`${locked.url}/v1/messages`, HELLO, { ...AUTH, 'x-api-key': 'sk-wrong' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.text.includes('sk-wrong'), false, 'the key is never echoed');
    assert.equal((await postJson(`${locked.url}/v1/messages`, HELLO, { ...AUTH, 'x-api-key': 'sk-right' })).status, 200);
  } finally {
    await locked.close();
  }
});

test('rejects what Anthropic rejects, with a 400 invalid_request_error naming the problem', async () => {
  const assistantCall = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] };
  const cases: [string, unknown][] = [
    ['max_tokens: Field required', { model: 'm', messages: HELLO.messages }],
    ['n: Extra inputs are not permitted', { ...HELLO, n: 2 }],
    ['temperature', { ...HELLO, temperature: 1.5 }],
    ['text content blocks must be non-empty', { ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }],
    ['role', { ...HELLO, messages: [{ role: 'system', content: 'x' }] }],
    ['without `tool_result` blocks immediately after', { ...HELLO, tools: TOOLS, messages: [HELLO.messages[0], assistantCall, { role: 'user', content: 'ok?' }] }],
    [
      'must come before any other content',
      { ...HELLO, tools: TOOLS, messages: [HELLO.messages[0], assistantCall, { role: 'user', content: [{ type: 'text', text: 'here' }, { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] }] },
    ],
    ['unexpected `tool_use_id`', { ...HELLO, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'x' }] }] }],
    ['input_schema', { ...HELLO, tools: [{ name: 'f' }] }],
  ];
  for (const [expected, body] of cases) {
    const res = await post(body);
    assert.equal(res.status, 400, `${expected}: ${res.text}`);
    const err = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
    assert.equal(err.type, 'error');
    assert.equal(err.error.type, 'invalid_request_error');
    assert.ok(err.error.message.includes(expected), `${err.error.message} should mention ${expected}`);
  }
  const ok = await post({
    ...HELLO,
    tools: TOOLS,
    messages: [HELLO.messages[0], assistantCall, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, { type: 'text', text: 'thanks' }] }],
  });
  assert.equal(ok.status, 200, ok.text);
});

test('bills what it answered, and a broken stream only what was sent', async () => {
  await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
  await post({ ...HELLO, model: 'claude-bill' });
  await post({ ...HELLO, model: 'claude-bill', stream: true }, { 'x-mock-error-after': '4' });
  await post({ ...HELLO, model: 'claude-bill' }, { 'x-mock-status': '529' });
  const stats = (await (await fetch(`${mock.url}/_mock/stats`)).json()) as { by_model: Record<string, { requests: number; prompt_tokens: number; completion_tokens: number }> };
  assert.deepEqual(stats.by_model['claude-bill'], { requests: 2, prompt_tokens: 12, completion_tokens: 16, cached_tokens: 0, reasoning_tokens: 0 });
});
