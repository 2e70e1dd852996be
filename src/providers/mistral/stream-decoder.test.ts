import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { MistralFrameDecoder } from './frame-decoder.js';
import { MistralStreamDecoder } from './stream-decoder.js';
import { chunk, DONE, enc, NOW, TEXT_STREAM, TOOL_STREAM } from './test-fixtures.js';

function decode(wire: string, size = wire.length): { events: StreamEvent[]; decoder: MistralStreamDecoder } {
  const decoder = new MistralStreamDecoder({ now: NOW });
  const bytes = enc(wire);
  const events: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
  events.push(...decoder.end());
  return { events, decoder };
}

const USAGE = { inputTokens: 20, cachedInputTokens: 8, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 };

test('thinking chunks are reasoning, text is text, the last chunk gives finish and usage, [DONE] completes', () => {
  const { events, decoder } = decode(TEXT_STREAM);
  assert.deepEqual(events, [
    { type: 'start', id: 'cmpl-1', model: 'mistral-large-latest', created: Math.floor(NOW / 1000) },
    { type: 'reasoning-delta', choice: 0, text: 'Let me think' },
    { type: 'text-delta', choice: 0, text: 'Hello' },
    { type: 'text-delta', choice: 0, text: ', world' },
    { type: 'finish', choice: 0, reason: 'stop', providerReason: 'stop' },
    { type: 'usage', usage: USAGE },
  ]);
  assert.equal(decoder.completed, true);
  assert.deepEqual(decoder.usage, USAGE);
});

test('any chunking of the same bytes gives the same events', () => {
  const whole = decode(TOOL_STREAM).events;
  for (const size of [1, 3, 50]) assert.deepEqual(decode(TOOL_STREAM, size).events, whole, `chunk ${size}`);
});

test('R5: whole calls under a repeated index are distinct calls, numbered 0 and 1 by us', () => {
  const r = new StreamAccumulator().addAll(decode(TOOL_STREAM).events).response();
  assert.deepEqual(r.choices[0]?.toolCalls, [
    { id: 'D681PevKs', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'x7Kp2QmZa', name: 'get_time', arguments: '{}' },
  ]);
  assert.equal(r.choices[0]?.finishReason, 'tool_calls');
});

test('fragments without an id continue their index\'s call (OpenAI-style streaming also decodes)', () => {
  const wire =
    chunk({ tool_calls: [{ id: 'abcdefghi', function: { name: 'f', arguments: '{"a":' }, index: 0 }] }) +
    chunk({ tool_calls: [{ function: { name: 'f', arguments: '1}' }, index: 0 }] }) +
    chunk({}, 'tool_calls') +
    DONE;
  const r = new StreamAccumulator().addAll(decode(wire).events).response();
  assert.deepEqual(r.choices[0]?.toolCalls, [{ id: 'abcdefghi', name: 'f', arguments: '{"a":1}' }]);
});

test('R6: an error chunk is an error event; the stream is not complete and nothing follows', () => {
  const wire = chunk({ content: 'Hel' }) + 'data: {"object":"error","message":"Internal server error","type":"internal_server_error","param":null,"code":"1000"}\n\n' + chunk({ content: 'lo' }) + DONE;
  const { events, decoder } = decode(wire);
  const last = events.at(-1);
  assert.ok(last?.type === 'error' && /Internal server error/.test(last.error.message));
  assert.equal(events.filter((e) => e.type === 'text-delta').length, 1);
  assert.equal(decoder.completed, false);
});

test('R6: a stream cut before [DONE] is incomplete, even after the finish chunk', () => {
  const { decoder, events } = decode(chunk({ content: 'Hi' }) + chunk({ content: '' }, 'stop'));
  assert.equal(events.some((e) => e.type === 'finish'), true);
  assert.equal(decoder.completed, false);
});

test('the frame classifier keeps the exact bytes and marks [DONE] as done', () => {
  const d = new MistralFrameDecoder();
  const frames = [...d.push(enc(TEXT_STREAM)), ...d.end()];
  assert.equal(frames.map((f) => f.raw).join(''), TEXT_STREAM);
  assert.deepEqual(frames.map((f) => f.kind), ['chunk', 'chunk', 'chunk', 'chunk', 'chunk', 'done']);
  const last = frames[4];
  assert.ok(last?.kind === 'chunk' && last.finished && last.usage?.inputTokens === 20);
});
