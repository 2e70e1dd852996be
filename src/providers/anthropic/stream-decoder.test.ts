import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { AnthropicFrameDecoder, AnthropicStreamDecoder } from './stream-decoder.js';
import { blockDelta, blockStart, blockStop, enc, MESSAGE_STOP, messageDelta, messageStart, PING, sse } from './test-fixtures.js';

const NOW = 1_760_000_000_000;

function decode(raw: string, chunk = Infinity): { events: StreamEvent[]; decoder: AnthropicStreamDecoder } {
  const decoder = new AnthropicStreamDecoder({ now: NOW });
  const bytes = enc(raw);
  const events: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += Math.min(chunk, bytes.length)) events.push(...decoder.push(bytes.subarray(i, i + chunk)));
  events.push(...decoder.end());
  return { events, decoder };
}

const TEXT_STREAM =
  messageStart() +
  blockStart(0, { type: 'text', text: '' }) +
  PING +
  blockDelta(0, { type: 'text_delta', text: 'Hello' }) +
  blockDelta(0, { type: 'text_delta', text: ' world' }) +
  blockStop(0) +
  messageDelta('end_turn', { output_tokens: 12 }) +
  MESSAGE_STOP;

/** Text at block 0, then two tool_use blocks at content-block indices 1 and 2. */
const TOOL_STREAM =
  messageStart() +
  blockStart(0, { type: 'text', text: '' }) +
  blockDelta(0, { type: 'text_delta', text: 'Checking both.' }) +
  blockStop(0) +
  blockStart(1, { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }) +
  blockDelta(1, { type: 'input_json_delta', partial_json: '{"city":' }) +
  blockDelta(1, { type: 'input_json_delta', partial_json: '"Paris"}' }) +
  blockStop(1) +
  blockStart(2, { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} }) +
  blockDelta(2, { type: 'input_json_delta', partial_json: '{"tz":"CET"}' }) +
  blockStop(2) +
  messageDelta('tool_use', { output_tokens: 30 }) +
  MESSAGE_STOP;

test('decodes a text stream: start, deltas, finish, usage; completed only at message_stop', () => {
  const { events, decoder } = decode(TEXT_STREAM);
  assert.deepEqual(events, [
    { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5', created: 1_760_000_000 },
    { type: 'text-delta', choice: 0, text: 'Hello' },
    { type: 'text-delta', choice: 0, text: ' world' },
    { type: 'finish', choice: 0, reason: 'stop', providerReason: 'end_turn' },
    { type: 'usage', usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 12, reasoningTokens: 0 } },
  ]);
  assert.equal(decoder.completed, true);
});

test('R5: tool_use blocks get OUR tool-call indices (0, 1), not the content-block indices (1, 2); ids and arguments stay apart', () => {
  const { events } = decode(TOOL_STREAM);
  const starts = events.filter((e) => e.type === 'tool-call-start');
  assert.deepEqual(starts, [
    { type: 'tool-call-start', choice: 0, index: 0, id: 'toolu_a', name: 'get_weather' },
    { type: 'tool-call-start', choice: 0, index: 1, id: 'toolu_b', name: 'get_time' },
  ]);
  const res = new StreamAccumulator().addAll(events).response();
  assert.deepEqual(res.choices[0]?.toolCalls, [
    { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'toolu_b', name: 'get_time', arguments: '{"tz":"CET"}' },
  ]);
  assert.equal(res.choices[0]?.text, 'Checking both.');
  assert.equal(res.choices[0]?.finishReason, 'tool_calls');
});

test('R5: deltas are routed by block index even if blocks interleave', () => {
  const raw =
    messageStart() +
    blockStart(3, { type: 'tool_use', id: 'toolu_x', name: 'f', input: {} }) +
    blockStart(5, { type: 'tool_use', id: 'toolu_y', name: 'g', input: {} }) +
    blockDelta(5, { type: 'input_json_delta', partial_json: '{"b":' }) +
    blockDelta(3, { type: 'input_json_delta', partial_json: '{"a":' }) +
    blockDelta(3, { type: 'input_json_delta', partial_json: '1}' }) +
    blockDelta(5, { type: 'input_json_delta', partial_json: '2}' }) +
    blockStop(3) +
    blockStop(5) +
    messageDelta('tool_use', { output_tokens: 9 }) +
    MESSAGE_STOP;
  const res = new StreamAccumulator().addAll(decode(raw).events).response();
  assert.deepEqual(res.choices[0]?.toolCalls, [
    { id: 'toolu_x', name: 'f', arguments: '{"a":1}' },
    { id: 'toolu_y', name: 'g', arguments: '{"b":2}' },
  ]);
});

test('a tool called with no input streams "{}" as its arguments, so they parse as JSON', () => {
  const raw = messageStart() + blockStart(0, { type: 'tool_use', id: 'toolu_n', name: 'now', input: {} }) + blockStop(0) + messageDelta('tool_use', { output_tokens: 3 }) + MESSAGE_STOP;
  const res = new StreamAccumulator().addAll(decode(raw).events).response();
  assert.deepEqual(res.choices[0]?.toolCalls, [{ id: 'toolu_n', name: 'now', arguments: '{}' }]);
});

test('usage: message_delta is cumulative — the last value wins, never the sum; cache fields sit beside input', () => {
  const raw =
    messageStart({ input_tokens: 8, cache_creation_input_tokens: 50, cache_read_input_tokens: 1000, output_tokens: 1 }) +
    blockStart(0, { type: 'text', text: '' }) +
    blockDelta(0, { type: 'text_delta', text: 'a' }) +
    messageDelta('end_turn', { output_tokens: 15 }) +
    sse('message_delta', { delta: {}, usage: { output_tokens: 20, input_tokens: 8, cache_read_input_tokens: 1000 } }) +
    MESSAGE_STOP;
  const { events, decoder } = decode(raw);
  const usages = events.filter((e) => e.type === 'usage');
  assert.equal(usages.length, 2);
  const last = { inputTokens: 1058, cachedInputTokens: 1000, cacheWriteTokens: 50, outputTokens: 20, reasoningTokens: 0 };
  assert.deepEqual(usages.at(-1), { type: 'usage', usage: last });
  assert.deepEqual(decoder.usage, last);
  assert.equal(events.filter((e) => e.type === 'finish').length, 1);
});

test('thinking deltas become reasoning events, the signature its own event; content-block indices still map tool calls from 0', () => {
  const raw =
    messageStart() +
    blockStart(0, { type: 'thinking', thinking: '', signature: '' }) +
    blockDelta(0, { type: 'thinking_delta', thinking: 'Let me ' }) +
    blockDelta(0, { type: 'thinking_delta', thinking: 'think.' }) +
    blockDelta(0, { type: 'signature_delta', signature: 'c2ln' }) +
    blockStop(0) +
    blockStart(1, { type: 'tool_use', id: 'toolu_t', name: 'f', input: {} }) +
    blockDelta(1, { type: 'input_json_delta', partial_json: '{}' }) +
    blockStop(1) +
    messageDelta('tool_use', { output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } }) +
    MESSAGE_STOP;
  const { events } = decode(raw);
  assert.deepEqual(
    events.filter((e) => e.type === 'reasoning-delta'),
    [
      { type: 'reasoning-delta', choice: 0, text: 'Let me ' },
      { type: 'reasoning-delta', choice: 0, text: 'think.' },
      { type: 'reasoning-delta', choice: 0, text: '', signature: 'c2ln' },
    ],
  );
  const res = new StreamAccumulator().addAll(events).response();
  assert.deepEqual(res.choices[0]?.reasoning, [{ type: 'thinking', text: 'Let me think.', signature: 'c2ln' }]);
  assert.equal(res.choices[0]?.toolCalls[0]?.id, 'toolu_t');
  assert.deepEqual(events.find((e) => e.type === 'tool-call-start'), { type: 'tool-call-start', choice: 0, index: 0, id: 'toolu_t', name: 'f' });
  assert.equal(res.usage?.reasoningTokens, 25);
});

test('any chunking of the bytes (down to one byte, UTF-8 split) gives the same events', () => {
  const raw = TOOL_STREAM.replace('Checking both.', 'Vérifions — 两个 ✓');
  const whole = decode(raw).events;
  for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(decode(raw, size).events, whole, `chunk ${size}`);
});

test('R6: a stream cut anywhere before message_stop is detectably incomplete', () => {
  const bytes = enc(TOOL_STREAM);
  // The terminator counts once its data line is whole (a final block without its blank line still counts).
  const whole = TOOL_STREAM.length - 2;
  for (let cut = 0; cut <= bytes.length; cut += 1) {
    const d = new AnthropicStreamDecoder({ now: NOW });
    d.push(bytes.subarray(0, cut));
    d.end();
    assert.equal(d.completed, cut >= whole, `cut at ${cut}`);
  }
  const { decoder, events } = decode(TOOL_STREAM.slice(0, TOOL_STREAM.indexOf('event: message_delta')));
  assert.equal(decoder.completed, false);
  assert.equal(events.some((e) => e.type === 'finish'), false);
});

test('a mid-stream `event: error` becomes an error event (529 overloaded, retryable), nothing after it, never completed', () => {
  const raw =
    messageStart() +
    blockStart(0, { type: 'text', text: '' }) +
    blockDelta(0, { type: 'text_delta', text: 'Hel' }) +
    `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n` +
    blockDelta(0, { type: 'text_delta', text: 'lo' }) +
    MESSAGE_STOP;
  const { events, decoder } = decode(raw);
  const last = events.at(-1);
  assert.equal(last?.type, 'error');
  if (last?.type !== 'error') return;
  assert.equal(last.error.status, 529);
  assert.equal(last.error.retryable, true);
  assert.equal(last.error.upstreamCode, 'overloaded_error');
  assert.match(last.error.message, /Overloaded/);
  assert.deepEqual(events.map((e) => e.type), ['start', 'text-delta', 'error']);
  assert.equal(decoder.completed, false);
});

test('pings, unknown events and unknown block types are skipped; garbage and orphan deltas are protocol errors', () => {
  const lenient =
    messageStart() +
    PING +
    sse('some_future_event', { x: 1 }) +
    blockStart(0, { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} }) +
    blockDelta(0, { type: 'input_json_delta', partial_json: '{"q":1}' }) +
    blockStop(0) +
    blockStart(1, { type: 'text', text: '' }) +
    blockDelta(1, { type: 'citations_delta', citation: {} }) +
    blockDelta(1, { type: 'text_delta', text: 'ok' }) +
    blockStop(1) +
    messageDelta('end_turn', { output_tokens: 2 }) +
    MESSAGE_STOP;
  const ok = decode(lenient);
  assert.deepEqual(ok.events.map((e) => e.type), ['start', 'text-delta', 'finish', 'usage']);
  assert.equal(ok.decoder.completed, true);

  const garbage = decode(messageStart() + 'event: content_block_delta\ndata: {not json\n\n');
  assert.equal(garbage.events.at(-1)?.type, 'error');
  const orphan = decode(messageStart() + blockDelta(4, { type: 'text_delta', text: 'x' }));
  assert.equal(orphan.events.at(-1)?.type, 'error');
});

test('each decoder instance holds one attempt: a second decoder starts from scratch', () => {
  const a = decode(TOOL_STREAM);
  const b = decode(TOOL_STREAM);
  assert.deepEqual(a.events, b.events);
  assert.equal((b.events.find((e) => e.type === 'tool-call-start') as { index: number }).index, 0);
});

test('the same-wire frame decoder classifies frames with their exact bytes: message_stop is done, event: error is error', () => {
  const d = new AnthropicFrameDecoder();
  const frames = [...d.push(enc(TEXT_STREAM)), ...d.end()];
  assert.equal(frames.map((f) => f.raw).join(''), TEXT_STREAM);
  assert.equal(frames.at(-1)?.kind, 'done');
  const withUsage = frames.find((f) => f.kind === 'chunk' && f.usage !== null);
  assert.ok(withUsage?.kind === 'chunk' && withUsage.finished && withUsage.usage?.outputTokens === 12);
  const e = new AnthropicFrameDecoder();
  const broken = e.push(enc(messageStart() + `event: error\ndata: {"type":"error","error":{"type":"api_error","message":"boom"}}\n\n`));
  assert.equal(broken.at(-1)?.kind, 'error');
});
