import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { decodeGeminiResponse } from './decode-response.js';
import { GeminiFrameDecoder, GeminiStreamDecoder } from './stream-decoder.js';
import { enc, MODEL, NOW, sse, TEXT_STREAM, TOOL_RESPONSE, USAGE } from './test-fixtures.js';

function decode(raw: string, chunk = Infinity): { events: StreamEvent[]; decoder: GeminiStreamDecoder } {
  const decoder = new GeminiStreamDecoder({ now: NOW });
  const bytes = enc(raw);
  const events: StreamEvent[] = [];
  const size = Math.min(chunk, Math.max(1, bytes.length));
  for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
  events.push(...decoder.end());
  return { events, decoder };
}

const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({ content: { role: 'model', parts }, index: 0, ...extra });

test('decodes a text stream: start, deltas, one finish, usage when it changes; completed only once the body ended', () => {
  const decoder = new GeminiStreamDecoder({ now: NOW });
  const events = decoder.push(enc(TEXT_STREAM));
  assert.deepEqual(events, [
    { type: 'start', id: 'r1', model: MODEL, created: Math.floor(NOW / 1000) },
    { type: 'text-delta', choice: 0, text: 'Hel' },
    { type: 'usage', usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 } },
    { type: 'text-delta', choice: 0, text: 'lo' },
    { type: 'finish', choice: 0, reason: 'stop', providerReason: 'STOP' },
    { type: 'usage', usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0 } },
  ]);
  assert.equal(decoder.completed, false, 'no terminator frame: only the clean end of the body completes it');
  assert.deepEqual(decoder.end(), []);
  assert.equal(decoder.completed, true);
  assert.equal(decoder.usage?.outputTokens, 4);
});

test('any chunking of the bytes, and CRLF framing, give the same events', () => {
  const whole = decode(TEXT_STREAM).events;
  for (const size of [1, 2, 7, 64]) assert.deepEqual(decode(TEXT_STREAM, size).events, whole, `chunk ${size}`);
  assert.deepEqual(decode(TEXT_STREAM.replaceAll('\n', '\r\n'), 5).events, whole);
});

test('R5: whole function calls across chunks keep their own indices (0, 1, 2) and ids; STOP after calls is tool_calls', () => {
  const raw =
    sse({ candidates: [candidate([{ functionCall: { id: 'a', name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }])], responseId: 'rs' }) +
    sse({ candidates: [candidate([{ functionCall: { id: 'c', name: 'get_weather', args: { city: 'Rome' } } }])], responseId: 'rs' }) +
    sse({ candidates: [candidate([{ text: '' }], { finishReason: 'STOP' })], usageMetadata: USAGE, responseId: 'rs' });
  const { events, decoder } = decode(raw, 3);
  const calls = events.filter((e) => e.type === 'tool-call-start' || e.type === 'tool-call-delta');
  assert.deepEqual(calls, [
    { type: 'tool-call-start', choice: 0, index: 0, id: 'a', name: 'get_weather' },
    { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '{"city":"Paris"}' },
    { type: 'tool-call-start', choice: 0, index: 1, id: 'call_rs_1', name: 'get_time' },
    { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '{}' },
    { type: 'tool-call-start', choice: 0, index: 2, id: 'c', name: 'get_weather' },
    { type: 'tool-call-delta', choice: 0, index: 2, argumentsDelta: '{"city":"Rome"}' },
  ]);
  assert.deepEqual(events.filter((e) => e.type === 'finish'), [{ type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'STOP' }]);
  assert.equal(decoder.completed, true);
});

test('a streamed answer decodes to the same thing as the same answer unstreamed (thoughts, signature, calls, usage)', () => {
  const [c] = TOOL_RESPONSE.candidates;
  const parts = c?.content.parts ?? [];
  const raw =
    sse({ candidates: [candidate(parts.slice(0, 1))], responseId: 'resp456', modelVersion: 'gemini-2.5-flash' }) +
    sse({ candidates: [candidate(parts.slice(1))], responseId: 'resp456' }) +
    sse({ candidates: [candidate([], { finishReason: 'STOP' })], usageMetadata: TOOL_RESPONSE.usageMetadata, responseId: 'resp456' });
  const streamed = new StreamAccumulator().addAll(decode(raw).events).response();
  assert.deepEqual(streamed, decodeGeminiResponse(JSON.stringify(TOOL_RESPONSE), { now: NOW }));
});

test('R6: a mid-stream {"error":…} chunk is an error event (503 retryable); nothing follows, not completed', () => {
  const raw =
    sse({ candidates: [candidate([{ text: 'Hi' }])], responseId: 'r' }) +
    sse({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }) +
    sse({ candidates: [candidate([{ text: 'more' }], { finishReason: 'STOP' })], responseId: 'r' });
  const { events, decoder } = decode(raw);
  assert.deepEqual(events.map((e) => e.type), ['start', 'text-delta', 'error']);
  const last = events.at(-1);
  assert.ok(last?.type === 'error' && last.error.status === 503 && last.error.retryable && last.error.upstreamCode === 'UNAVAILABLE');
  assert.equal(decoder.completed, false);
});

test('a prompt blocked in a stream is an error event (content_blocked), never a clean empty stream', () => {
  const { events, decoder } = decode(sse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5 }, responseId: 'r' }));
  assert.equal(events.length, 1);
  const e = events[0];
  assert.ok(e?.type === 'error' && e.error.upstreamCode === 'content_blocked' && e.error.status === 400 && !e.error.retryable);
  assert.equal(decoder.completed, false);
});

test('R6: a stream cut before its finishReason is incomplete; an unparseable chunk is a protocol error', () => {
  const cut = decode(TEXT_STREAM.slice(0, TEXT_STREAM.lastIndexOf('data:')));
  assert.equal(cut.events.some((e) => e.type === 'finish'), false);
  assert.equal(cut.decoder.completed, false);
  const garbled = decode('data: {"candidates": [\n\n');
  assert.equal(garbled.events.at(-1)?.type, 'error');
  assert.equal(garbled.decoder.completed, false);
});

test('with several candidates the stream completes only when each has finished', () => {
  const two = (a: string | undefined, b: string | undefined) =>
    sse({ candidates: [candidate([{ text: 'x' }], a ? { finishReason: a } : {}), { ...candidate([{ text: 'y' }], b ? { finishReason: b } : {}), index: 1 }], responseId: 'r' });
  assert.equal(decode(two(undefined, undefined) + two('STOP', undefined)).decoder.completed, false);
  assert.equal(decode(two(undefined, undefined) + two('STOP', 'STOP')).decoder.completed, true);
});

test('frame decoder: frames carry the exact bytes, usage and finish; `done` (no bytes) only after a clean, finished end', () => {
  const d = new GeminiFrameDecoder();
  const frames = [...d.push(enc(TEXT_STREAM)), ...d.end()];
  assert.equal(frames.map((f) => f.raw).join(''), TEXT_STREAM);
  assert.deepEqual(frames.map((f) => f.kind), ['chunk', 'chunk', 'chunk', 'done']);
  const finished = frames[2];
  assert.ok(finished?.kind === 'chunk' && finished.finished && finished.usage?.outputTokens === 4);
  const cut = new GeminiFrameDecoder();
  const cutFrames = [...cut.push(enc(TEXT_STREAM.slice(0, 60))), ...cut.end()];
  assert.equal(cutFrames.some((f) => f.kind === 'done'), false);
  const failed = new GeminiFrameDecoder();
  const failedFrames = [...failed.push(enc(sse({ error: { code: 500, status: 'INTERNAL', message: 'x' } }))), ...failed.end()];
  assert.deepEqual(failedFrames.map((f) => f.kind), ['error']);
});
