import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { BedrockFrameDecoder } from './frame-decoder.js';
import { BedrockStreamDecoder } from './stream-decoder.js';
import { blockStop, concat, errorMessage, event, exception, MESSAGE_START, messageStop, metadata, textDelta } from './test-fixtures.js';

const NOW = 1_760_000_000_000;
const USAGE = { inputTokens: 10, outputTokens: 20, totalTokens: 36, cacheReadInputTokens: 6 };

const toolStart = (index: number, id: string, name: string) => event('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: id, name } } });
const toolInput = (index: number, input: string) => event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input } } });
const reasoning = (delta: Record<string, string>) => event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: delta } });

/** Reasoning (block 0), text (block 1), two tool calls (blocks 2, 3), messageStop, metadata. */
const FULL = concat(
  MESSAGE_START,
  reasoning({ text: 'Let me ' }),
  reasoning({ text: 'think.' }),
  reasoning({ signature: 'c2ln' }),
  blockStop(0),
  textDelta(1, 'Checking '),
  textDelta(1, 'both.'),
  blockStop(1),
  toolStart(2, 'tooluse_a', 'get_weather'),
  toolInput(2, '{"city":'),
  toolInput(2, '"Paris"}'),
  blockStop(2),
  toolStart(3, 'tooluse_b', 'get_time'),
  blockStop(3),
  messageStop('tool_use'),
  metadata(USAGE),
);

function decode(bytes: Uint8Array, size = bytes.length): { events: StreamEvent[]; decoder: BedrockStreamDecoder } {
  const decoder = new BedrockStreamDecoder({ now: NOW });
  const events: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
  events.push(...decoder.end());
  return { events, decoder };
}

test('decodes a whole ConverseStream: start, reasoning with signature, text, tool calls indexed by call, finish, usage', () => {
  const { events, decoder } = decode(FULL);
  assert.deepEqual(events[0], { type: 'start', id: '', model: '', created: 1_760_000_000 });
  const starts = events.filter((e) => e.type === 'tool-call-start');
  assert.deepEqual(starts, [
    { type: 'tool-call-start', choice: 0, index: 0, id: 'tooluse_a', name: 'get_weather' },
    { type: 'tool-call-start', choice: 0, index: 1, id: 'tooluse_b', name: 'get_time' },
  ]);
  const r = new StreamAccumulator().addAll(events).response();
  assert.equal(r.choices[0]?.text, 'Checking both.');
  assert.deepEqual(r.choices[0]?.reasoning, [{ type: 'thinking', text: 'Let me think.', signature: 'c2ln' }]);
  assert.deepEqual(r.choices[0]?.toolCalls, [
    { id: 'tooluse_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'tooluse_b', name: 'get_time', arguments: '{}' },
  ]);
  assert.equal(r.choices[0]?.finishReason, 'tool_calls');
  assert.equal(r.choices[0]?.providerFinishReason, 'tool_use');
  const usage = { inputTokens: 16, cachedInputTokens: 6, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 };
  assert.deepEqual(r.usage, usage);
  assert.deepEqual(decoder.usage, usage);
  assert.equal(decoder.completed, true);
});

test('any chunking of the same bytes gives the same events, down to one byte at a time', () => {
  const whole = decode(FULL).events;
  for (const size of [1, 2, 3, 7, 16, 64, 1000]) assert.deepEqual(decode(FULL, size).events, whole, `chunk ${size}`);
});

test('R6: complete only once messageStop AND metadata arrived; a cut mid-message is incomplete, not an error', () => {
  const noMetadata = decode(concat(MESSAGE_START, textDelta(0, 'Hi'), blockStop(0), messageStop('end_turn')));
  assert.equal(noMetadata.decoder.completed, false);
  assert.equal(noMetadata.events.filter((e) => e.type === 'finish').length, 1);
  const noStop = decode(concat(MESSAGE_START, textDelta(0, 'Hi'), metadata(USAGE)));
  assert.equal(noStop.decoder.completed, false);
  assert.notEqual(noStop.decoder.usage, null);
  const cutBytes = concat(MESSAGE_START, textDelta(0, 'Hi'), textDelta(0, ' there'));
  const cut = decode(cutBytes.subarray(0, cutBytes.length - 5), 3);
  assert.equal(cut.decoder.completed, false);
  assert.deepEqual(cut.events.map((e) => e.type), ['start', 'text-delta']);
});

test('a corrupted message (payload, message CRC, prelude CRC, or length) becomes one retryable error event; nothing after it', () => {
  const good = concat(MESSAGE_START, textDelta(0, 'Hi'));
  const bad = textDelta(0, 'there');
  for (const at of [bad.length - 8, bad.length - 1, 9, 1]) {
    const broken = bad.slice();
    broken[at] = (broken[at] as number) ^ 0xff;
    for (const size of [1, 5, 1000]) {
      const { events, decoder } = decode(concat(good, broken, textDelta(0, 'more'), messageStop('end_turn'), metadata(USAGE)), size);
      assert.deepEqual(events.slice(0, 2).map((e) => e.type), ['start', 'text-delta'], `byte ${at}, chunk ${size}`);
      const last = events.at(-1);
      assert.equal(events.length, 3, `byte ${at}, chunk ${size}`);
      assert.ok(last?.type === 'error' && last.error.retryable && last.error.upstreamStatus === 502, `byte ${at}`);
      assert.equal(decoder.completed, false);
    }
  }
});

test('mid-stream exceptions become an error event classified like their HTTP twins; nothing after it', () => {
  const table: [string, number, boolean][] = [
    ['throttlingException', 429, true],
    ['modelStreamErrorException', 424, true],
    ['internalServerException', 500, true],
    ['serviceUnavailableException', 503, true],
    ['validationException', 400, false],
  ];
  for (const [name, status, retryable] of table) {
    const { events, decoder } = decode(concat(MESSAGE_START, textDelta(0, 'Hi'), exception(name, { message: `boom ${name}` }), textDelta(0, 'late'), messageStop('end_turn')));
    const last = events.at(-1);
    assert.equal(events.filter((e) => e.type === 'error').length, 1);
    assert.ok(last?.type === 'error', name);
    assert.equal(last.error.upstreamStatus, status, name);
    assert.equal(last.error.retryable, retryable, name);
    assert.equal(last.error.upstreamCode, name.charAt(0).toUpperCase() + name.slice(1));
    assert.match(last.error.message, new RegExp(`boom ${name}`));
    assert.equal(decoder.completed, false);
  }
  const err = decode(concat(MESSAGE_START, errorMessage('InternalFailure', 'oops'))).events.at(-1);
  assert.ok(err?.type === 'error' && err.error.upstreamStatus === 500 && err.error.retryable && /oops/.test(err.error.message));
});

test('a toolUse delta for a block that never started is a protocol error; unknown events and keys are ignored', () => {
  const orphan = decode(concat(MESSAGE_START, toolInput(4, '{}'))).events.at(-1);
  assert.ok(orphan?.type === 'error' && orphan.error.upstreamCode === 'protocol_error' && !orphan.error.retryable);
  const { events, decoder } = decode(
    concat(MESSAGE_START, event('someFutureEvent', { x: 1 }), event('contentBlockDelta', { contentBlockIndex: 0, delta: { citation: {} }, p: 'abc' }), textDelta(0, 'ok'), messageStop('end_turn'), metadata(USAGE)),
  );
  assert.deepEqual(events.map((e) => e.type), ['start', 'text-delta', 'finish', 'usage']);
  assert.equal(decoder.completed, true);
});

test('the same-wire frame classifier (never used for a relay): chunks with usage, then done; errors as error frames', () => {
  const d = new BedrockFrameDecoder();
  const frames = d.push(concat(MESSAGE_START, textDelta(0, 'Hi'), messageStop('end_turn'), metadata(USAGE)));
  assert.deepEqual(frames.map((f) => f.kind), ['chunk', 'chunk', 'chunk', 'chunk', 'done']);
  const second = frames[1];
  assert.ok(second?.kind === 'chunk' && second.hasOutput && JSON.parse(second.raw).delta.text === 'Hi');
  const fourth = frames[3];
  assert.ok(fourth?.kind === 'chunk' && fourth.usage?.inputTokens === 16);
  const e = new BedrockFrameDecoder().push(concat(MESSAGE_START, exception('throttlingException', { message: 'slow down' })));
  assert.deepEqual(e.map((f) => f.kind), ['chunk', 'error']);
});
