import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { CohereFrameDecoder } from './frame-decoder.js';
import { CohereStreamDecoder } from './stream-decoder.js';
import { DONE, enc, frame, MESSAGE_START, messageEnd, NOW, TEXT_STREAM, textDelta, contentStart, TOOL_STREAM, toolDelta, toolStart } from './test-fixtures.js';

function decode(wire: string, chunk = wire.length): { events: StreamEvent[]; decoder: CohereStreamDecoder } {
  const decoder = new CohereStreamDecoder({ now: NOW });
  const bytes = enc(wire);
  const events: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) events.push(...decoder.push(bytes.subarray(i, i + chunk)));
  events.push(...decoder.end());
  return { events, decoder };
}

const USAGE = { inputTokens: 20, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0 };

test('a text stream: start first, the text, one finish, the usage from message-end, completed', () => {
  const { events, decoder } = decode(TEXT_STREAM);
  assert.deepEqual(events, [
    { type: 'start', id: 'resp-1', model: '', created: Math.floor(NOW / 1000) },
    { type: 'text-delta', choice: 0, text: 'Hello' },
    { type: 'text-delta', choice: 0, text: ', world' },
    { type: 'finish', choice: 0, reason: 'stop', providerReason: 'COMPLETE' },
    { type: 'usage', usage: USAGE },
  ]);
  assert.equal(decoder.completed, true);
  assert.deepEqual(decoder.usage, USAGE);
});

test('any chunking of the same bytes gives the same events', () => {
  const whole = decode(TOOL_STREAM).events;
  for (const size of [1, 2, 7, 64]) assert.deepEqual(decode(TOOL_STREAM, size).events, whole, `chunk ${size}`);
});

test('R5: tool calls are numbered by us (0, 1) whatever Cohere\'s index (1, 2 after a thinking item); plan and thinking are reasoning', () => {
  const { events } = decode(TOOL_STREAM);
  assert.deepEqual(
    events.filter((e) => e.type === 'tool-call-start'),
    [
      { type: 'tool-call-start', choice: 0, index: 0, id: 'get_weather_a1', name: 'get_weather' },
      { type: 'tool-call-start', choice: 0, index: 1, id: 'get_time_b2', name: 'get_time' },
    ],
  );
  const r = new StreamAccumulator().addAll(events).response();
  assert.deepEqual(r.choices[0]?.toolCalls, [
    { id: 'get_weather_a1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    // A call that streamed no arguments gets "{}" at its end: valid JSON for OpenAI-style clients.
    { id: 'get_time_b2', name: 'get_time', arguments: '{}' },
  ]);
  assert.deepEqual(r.choices[0]?.reasoning, [{ type: 'thinking', text: "Two lookups.I'll check two things." }]);
  assert.equal(r.choices[0]?.finishReason, 'tool_calls');
});

test('R6: a message-end carrying an error is an error event; the stream is not complete and nothing follows', () => {
  const wire = MESSAGE_START + contentStart(0, 'text') + textDelta(0, 'Hel') + frame('message-end', { delta: { error: 'internal failure', finish_reason: 'ERROR' } }) + textDelta(0, 'more') + DONE;
  const { events, decoder } = decode(wire);
  const last = events.at(-1);
  assert.equal(last?.type, 'error');
  assert.ok(last?.type === 'error' && /internal failure/.test(last.error.message) && last.error.retryable);
  assert.equal(events.filter((e) => e.type === 'text-delta').length, 1);
  assert.equal(decoder.completed, false);
});

test('R6: a stream cut before message-end is incomplete: no finish, completed false; [DONE] alone does not complete it', () => {
  const { events, decoder } = decode(MESSAGE_START + contentStart(0, 'text') + textDelta(0, 'Hel') + DONE);
  assert.equal(events.some((e) => e.type === 'finish'), false);
  assert.equal(decoder.completed, false);
});

test('finish ERROR without an error text is a finish with reason error (the stream did end)', () => {
  const { events, decoder } = decode(MESSAGE_START + messageEnd('TIMEOUT') + DONE);
  assert.deepEqual(events.find((e) => e.type === 'finish'), { type: 'finish', choice: 0, reason: 'error', providerReason: 'TIMEOUT' });
  assert.equal(decoder.completed, true);
});

test('protocol errors: an unparseable event, or a delta for a call that never started', () => {
  const bad = decode(MESSAGE_START + 'event: content-delta\ndata: {nope\n\n');
  assert.equal(bad.events.at(-1)?.type, 'error');
  const orphan = decode(MESSAGE_START + toolStart(0, 'a', 'f') + toolDelta(5, '{}'));
  assert.equal(orphan.events.at(-1)?.type, 'error');
});

test('the frame classifier marks message-end as done, an error message-end as error, and keeps the exact bytes', () => {
  const d = new CohereFrameDecoder();
  const frames = [...d.push(enc(TEXT_STREAM)), ...d.end()];
  assert.equal(frames.map((f) => f.raw).join(''), TEXT_STREAM);
  assert.deepEqual(frames.map((f) => f.kind), ['chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'done', 'ignored']);
  const e = new CohereFrameDecoder();
  const broken = e.push(enc(MESSAGE_START + frame('message-end', { delta: { error: 'x', finish_reason: 'ERROR' } })));
  assert.equal(broken.at(-1)?.kind, 'error');
});
