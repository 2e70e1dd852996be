import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError, UpstreamUnavailableError } from '../../core/errors.js';
import { decodeGeminiResponse } from './decode-response.js';
import { finishFromGemini } from './finish-reason.js';
import { BLOCKED_RESPONSE, googleError, NOW, TEXT_RESPONSE, TOOL_RESPONSE } from './test-fixtures.js';
import { usageFromGemini } from './usage.js';

const decode = (body: unknown) => decodeGeminiResponse(typeof body === 'string' ? body : JSON.stringify(body), { now: NOW });

test('decodes a plain answer: text parts joined, finish stop, usage, created from the caller clock', () => {
  const r = decode(TEXT_RESPONSE);
  assert.deepEqual(r, {
    id: 'resp123',
    model: 'gemini-2.5-flash-001',
    created: Math.floor(NOW / 1000),
    choices: [{ index: 0, text: 'Hello world', toolCalls: [], finishReason: 'stop', providerFinishReason: 'STOP' }],
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0 },
  });
});

test('function calls ending with STOP decode as tool_calls; an id-less call gets a deterministic id; thoughts and the signature become reasoning', () => {
  const r = decode(TOOL_RESPONSE);
  const c = r.choices[0];
  assert.equal(c?.finishReason, 'tool_calls');
  assert.equal(c?.providerFinishReason, 'STOP');
  assert.equal(c?.text, null);
  assert.deepEqual(c?.toolCalls, [
    { id: 'fc_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'call_resp456_1', name: 'get_time', arguments: '{}' },
  ]);
  assert.deepEqual(c?.reasoning, [{ type: 'thinking', text: 'Weighing the tools.', signature: 'c2lnLWE=' }]);
  assert.deepEqual(decode(TOOL_RESPONSE).choices[0]?.toolCalls, c?.toolCalls, 'the same body always mints the same ids');
});

test('usage: cached inside the prompt, tool-use prompt added, thoughts added to output and reported as reasoning', () => {
  assert.deepEqual(decode(TOOL_RESPONSE).usage, { inputTokens: 35, cachedInputTokens: 8, cacheWriteTokens: 0, outputTokens: 27, reasoningTokens: 7 });
  assert.equal(usageFromGemini(undefined), null);
  assert.deepEqual(usageFromGemini({ promptTokenCount: 3 }), { inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });
});

test('several candidates become several choices, by their index', () => {
  const r = decode({
    candidates: [
      { content: { role: 'model', parts: [{ text: 'B' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      { content: { role: 'model', parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 },
    ],
    responseId: 'r',
  });
  assert.deepEqual(r.choices.map((c) => [c.index, c.text, c.finishReason]), [[0, 'A', 'stop'], [1, 'B', 'length']]);
  assert.equal(r.usage, null);
});

test('finish reasons (providers.md §11): filters → content_filter, broken tool calls → error, the rest → stop; the provider word is kept', () => {
  const table: [string, boolean, string][] = [
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['IMAGE_PROHIBITED_CONTENT', false, 'content_filter'],
    ['IMAGE_RECITATION', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['UNEXPECTED_TOOL_CALL', false, 'error'],
    ['TOO_MANY_TOOL_CALLS', true, 'error'],
    ['LANGUAGE', false, 'stop'],
    ['OTHER', false, 'stop'],
    ['NO_IMAGE', false, 'stop'],
    ['IMAGE_OTHER', false, 'stop'],
    ['SOMETHING_NEW', false, 'stop'],
  ];
  for (const [reason, calls, want] of table) assert.equal(finishFromGemini(reason, calls), want, reason);
  const filtered = decode({ candidates: [{ content: { role: 'model' }, finishReason: 'SAFETY', index: 0 }], responseId: 'r' });
  assert.deepEqual(filtered.choices[0], { index: 0, text: null, toolCalls: [], finishReason: 'content_filter', providerFinishReason: 'SAFETY' });
});

test('a blocked prompt is a non-retryable 400 content_blocked naming the reason, never an empty success', () => {
  assert.throws(
    () => decode(BLOCKED_RESPONSE),
    (e: unknown) => e instanceof UpstreamError && e.status === 400 && e.upstreamCode === 'content_blocked' && !e.retryable && /PROHIBITED_CONTENT/.test(e.message),
  );
});

test('an error object, no candidates without a reason, or a body that is no response are errors', () => {
  assert.throws(() => decode(googleError(503, 'UNAVAILABLE', 'The model is overloaded.')), (e: unknown) => e instanceof UpstreamError && e.status === 503 && e.retryable);
  assert.throws(() => decode({ candidates: [], responseId: 'r' }), UpstreamUnavailableError);
  assert.throws(() => decode('not json'), UpstreamUnavailableError);
  assert.throws(() => decode('[1]'), UpstreamUnavailableError);
});
