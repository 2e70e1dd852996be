import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamUnavailableError } from '../../core/errors.js';
import { decodeCohereResponse } from './decode-response.js';
import { finishFromCohere } from './finish-reason.js';
import { NOW, TEXT_RESPONSE, TOOL_RESPONSE } from './test-fixtures.js';
import { usageFromCohere } from './usage.js';

test('text items are joined; COMPLETE is stop with the provider word kept; created is when it was received', () => {
  const r = decodeCohereResponse(TEXT_RESPONSE, { now: NOW });
  assert.equal(r.id, 'resp-1');
  assert.equal(r.created, Math.floor(NOW / 1000));
  assert.deepEqual(r.choices, [{ index: 0, text: 'Hello, world', toolCalls: [], finishReason: 'stop', providerFinishReason: 'COMPLETE' }]);
});

test('tool calls keep their ids and JSON arguments; thinking and the tool plan are reasoning', () => {
  const c = decodeCohereResponse(TOOL_RESPONSE, { now: NOW }).choices[0];
  assert.equal(c?.text, null);
  assert.deepEqual(c?.toolCalls, [
    { id: 'get_weather_a1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'get_time_b2', name: 'get_time', arguments: '{}' },
  ]);
  assert.equal(c?.finishReason, 'tool_calls');
  assert.deepEqual(c?.reasoning, [
    { type: 'thinking', text: 'Two lookups.' },
    { type: 'thinking', text: "I'll check two things." },
  ]);
});

test('usage: tokens (cached inside input), billed_units when tokens are absent, no reasoning count', () => {
  const r = decodeCohereResponse(TEXT_RESPONSE, { now: NOW });
  assert.deepEqual(r.usage, { inputTokens: 20, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0 });
  assert.deepEqual(usageFromCohere({ billed_units: { input_tokens: 5, output_tokens: 2 } }), { inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 });
  assert.equal(usageFromCohere({}), null);
  assert.equal(usageFromCohere(null), null);
});

test('finish reasons per providers.md §11', () => {
  assert.deepEqual(
    ['COMPLETE', 'STOP_SEQUENCE', 'MAX_TOKENS', 'TOOL_CALL', 'ERROR', 'TIMEOUT', 'SOMETHING_NEW'].map(finishFromCohere),
    ['stop', 'stop', 'length', 'tool_calls', 'error', 'error', 'stop'],
  );
});

test('a body that is not a chat response is a protocol error, never an empty success', () => {
  for (const body of ['not json', '{"id":"x"}', '[]']) {
    assert.throws(() => decodeCohereResponse(body, { now: NOW }), (e: unknown) => e instanceof UpstreamUnavailableError && e.code === 'upstream_protocol_error');
  }
});
