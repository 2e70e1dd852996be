import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { StreamIncompleteError, UpstreamError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import { specMissingReason, validateAgainst } from '../../../test/helpers/openapi.js';
import { DONE_FRAME, OpenAiChunkEncoder, type ChunkEncoderOptions } from './encode-stream.js';

const START: StreamEvent = { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5', created: 1_760_000_000 };
const USAGE: StreamEvent = { type: 'usage', usage: { inputTokens: 110, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 } };

const TEXT_EVENTS: StreamEvent[] = [
  START,
  { type: 'reasoning-delta', choice: 0, text: 'thinking…' },
  { type: 'text-delta', choice: 0, text: 'Hello' },
  { type: 'text-delta', choice: 0, text: ' world' },
  { type: 'finish', choice: 0, reason: 'stop', providerReason: 'end_turn' },
  USAGE,
];

/** Two parallel calls whose fragments interleave: a consumer that merges by arrival gets caught. */
const TOOL_EVENTS: StreamEvent[] = [
  START,
  { type: 'tool-call-start', choice: 0, index: 0, id: 'toolu_a', name: 'get_weather' },
  { type: 'tool-call-start', choice: 0, index: 1, id: 'toolu_b', name: 'get_time' },
  { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '{"tz":' },
  { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '{"city":"Paris"}' },
  { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '"CET"}' },
  { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'tool_use' },
  USAGE,
];

function run(events: readonly StreamEvent[], opts: Partial<ChunkEncoderOptions> = {}, completed = true): string {
  const enc = new OpenAiChunkEncoder({ includeUsage: false, requestId: 'req_1', ...opts });
  let out = events.map((e) => enc.push(e)).join('');
  out += completed ? enc.end() : enc.fail(new StreamIncompleteError('anthropic/claude', 'no terminating event'));
  return out;
}

/** Data-only SSE → payloads; throws on anything else. */
function payloads(raw: string): string[] {
  assert.ok(raw.endsWith('\n\n'));
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((f) => {
      assert.ok(f.startsWith('data: ') && !f.includes('\n'), `not a data-only frame: ${f}`);
      return f.slice(6);
    });
}

type Chunk = { id: string; object: string; model: string; created: number; choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

function chunks(raw: string): Chunk[] {
  return payloads(raw)
    .filter((p) => p !== '[DONE]')
    .map((p) => JSON.parse(p) as Chunk);
}

test('text: role first, content deltas, a finish chunk, [DONE]; no usage chunk unless asked; reasoning not sent', () => {
  const raw = run(TEXT_EVENTS);
  assert.ok(raw.endsWith(DONE_FRAME));
  const c = chunks(raw);
  assert.deepEqual(c.map((x) => x.choices[0]?.delta), [{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: ' world' }, {}]);
  assert.deepEqual(c.map((x) => x.choices[0]?.finish_reason), [null, null, null, 'stop']);
  for (const x of c) {
    assert.equal(x.id, 'msg_01');
    assert.equal(x.object, 'chat.completion.chunk');
    assert.equal(x.created, 1_760_000_000);
    assert.equal(x.model, 'claude-sonnet-4-5');
    assert.equal('usage' in x, false);
  }
  assert.equal(raw.includes('thinking'), false);
});

test('include_usage: every chunk has "usage": null and a last choices:[] chunk carries the usage', () => {
  const c = chunks(run(TEXT_EVENTS, { includeUsage: true, model: 'my-alias' }));
  const last = c.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.deepEqual(last?.usage, {
    prompt_tokens: 110,
    completion_tokens: 9,
    total_tokens: 119,
    prompt_tokens_details: { cached_tokens: 100 },
    completion_tokens_details: { reasoning_tokens: 4 },
  });
  for (const x of c.slice(0, -1)) assert.equal(x.usage, null);
  for (const x of c) assert.equal(x.model, 'my-alias');
});

test('R5: tool calls go out by index — id, type and name on the first fragment, then only arguments', () => {
  const c = chunks(run(TOOL_EVENTS));
  assert.deepEqual(c[0]?.choices[0]?.delta, { role: 'assistant', content: null });
  const calls = c.slice(1, -1).map((x) => (x.choices[0]?.delta as { tool_calls: unknown[] }).tool_calls[0]);
  assert.deepEqual(calls, [
    { index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
    { index: 1, id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '' } },
    { index: 1, function: { arguments: '{"tz":' } },
    { index: 0, function: { arguments: '{"city":"Paris"}' } },
    { index: 1, function: { arguments: '"CET"}' } },
  ]);
  assert.equal(c.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
});

test('R6: an error event ends the stream with an error frame and no [DONE]; nothing is written after it', () => {
  const enc = new OpenAiChunkEncoder({ includeUsage: true, requestId: 'req_9' });
  let raw = enc.push(START) + enc.push({ type: 'text-delta', choice: 0, text: 'Hel' });
  raw += enc.push({ type: 'error', error: new UpstreamError({ status: 529, message: 'Anthropic error mid-stream: Overloaded', upstreamCode: 'overloaded_error', retryable: true }) });
  raw += enc.push({ type: 'text-delta', choice: 0, text: 'lo' }) + enc.end();
  const p = payloads(raw);
  assert.equal(p.includes('[DONE]'), false);
  const err = JSON.parse(p.at(-1) ?? '{}') as { error: { message: string; code: string; upstream_status: number; request_id: string } };
  assert.match(err.error.message, /Overloaded/);
  assert.equal(err.error.upstream_status, 529);
  assert.equal(err.error.request_id, 'req_9');
  assert.equal(enc.closed, true);
});

test('R6: a stream that did not complete, or completed without a finish reason, ends with an error frame', () => {
  const cut = payloads(run(TEXT_EVENTS.slice(0, 3), {}, false));
  assert.equal(cut.includes('[DONE]'), false);
  assert.equal((JSON.parse(cut.at(-1) ?? '{}') as { error: { code: string } }).error.code, 'upstream_stream_incomplete');
  const noFinish = payloads(run(TEXT_EVENTS.slice(0, 4)));
  assert.equal(noFinish.includes('[DONE]'), false);
  assert.match((JSON.parse(noFinish.at(-1) ?? '{}') as { error: { message: string } }).error.message, /without a finish reason/);
  const errorFinish = payloads(run([START, { type: 'finish', choice: 0, reason: 'error', providerReason: 'MALFORMED_FUNCTION_CALL' }]));
  assert.match((JSON.parse(errorFinish.at(-1) ?? '{}') as { error: { message: string } }).error.message, /MALFORMED_FUNCTION_CALL/);
});

test('chunks validate against the OpenAI spec (CreateChatCompletionStreamResponse)', (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  for (const [events, includeUsage] of [[TEXT_EVENTS, true], [TOOL_EVENTS, false], [TOOL_EVENTS, true]] as const) {
    for (const c of chunks(run(events, { includeUsage }))) assert.deepEqual(validateAgainst('CreateChatCompletionStreamResponse', c), [], JSON.stringify(c));
  }
});

// The official openai SDK as the reader of what the encoder writes.
let server: Server;
let baseURL: string;
const bodies = new Map<string, string>();
before(async () => {
  server = createServer((req, res) => {
    const body = bodies.get(req.headers['x-test-stream'] as string) ?? '';
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function sdkStream(name: string, raw: string): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  bodies.set(name, raw);
  const client = new OpenAI({ baseURL, apiKey: 'x', maxRetries: 0 });
  const stream = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-test-stream': name } });
  return stream.finalChatCompletion();
}

test('the openai SDK assembles the translated stream: text, and parallel tool calls kept apart (R5)', async () => {
  const text = await sdkStream('text', run(TEXT_EVENTS, { includeUsage: true }));
  assert.equal(text.choices[0]?.message.content, 'Hello world');
  assert.equal(text.usage?.prompt_tokens_details?.cached_tokens, 100);
  const tools = await sdkStream('tools', run(TOOL_EVENTS));
  assert.equal(tools.choices[0]?.finish_reason, 'tool_calls');
  const calls = tools.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments) as unknown] : []));
  assert.deepEqual(calls, [
    ['toolu_a', 'get_weather', { city: 'Paris' }],
    ['toolu_b', 'get_time', { tz: 'CET' }],
  ]);
});

test('the openai SDK throws on the error frame instead of returning a truncated answer (R6)', async () => {
  await assert.rejects(sdkStream('cut', run(TEXT_EVENTS.slice(0, 3), {}, false)), /ended the stream before it was complete/);
});
