import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamUnavailableError } from '../../core/errors.js';
import { decodeMistralResponse } from './decode-response.js';
import { finishFromMistral } from './finish-reason.js';
import { NOW, THINKING_RESPONSE, TOOL_RESPONSE } from './test-fixtures.js';
import { usageFromMistral } from './usage.js';

test('array content is flattened: text from text chunks, thinking (with its signature) as reasoning', () => {
  const r = decodeMistralResponse(THINKING_RESPONSE, { now: NOW });
  assert.equal(r.id, 'cmpl-2');
  assert.equal(r.model, 'mistral-large-latest');
  assert.equal(r.created, Math.floor(NOW / 1000));
  assert.deepEqual(r.choices, [
    { index: 0, text: 'Paris.', toolCalls: [], finishReason: 'stop', providerFinishReason: 'stop', reasoning: [{ type: 'thinking', text: 'Let me think.', signature: 'sig-1' }] },
  ]);
});

test('usage: cached inside prompt, reasoning inside completion', () => {
  assert.deepEqual(decodeMistralResponse(THINKING_RESPONSE, { now: NOW }).usage, { inputTokens: 20, cachedInputTokens: 8, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 });
  assert.deepEqual(usageFromMistral({ prompt_tokens: 5, completion_tokens: 1, num_cached_tokens: 2 }), { inputTokens: 5, cachedInputTokens: 2, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 });
});

test('tool calls: arguments given as an object are re-serialised; empty content with calls is null text', () => {
  const c = decodeMistralResponse(TOOL_RESPONSE, { now: NOW }).choices[0];
  assert.equal(c?.text, null);
  assert.deepEqual(c?.toolCalls, [{ id: 'D681PevKs', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  assert.equal(c?.finishReason, 'tool_calls');
});

test('finish reasons: model_length is length, error is error (providers.md §11)', () => {
  assert.deepEqual(['stop', 'length', 'model_length', 'tool_calls', 'error', 'new'].map(finishFromMistral), ['stop', 'length', 'length', 'tool_calls', 'error', 'stop']);
});

test('a body that is not a chat completion is a protocol error', () => {
  for (const body of ['nope', '{"object":"error","message":"x"}']) assert.throws(() => decodeMistralResponse(body, { now: NOW }), UpstreamUnavailableError);
});
