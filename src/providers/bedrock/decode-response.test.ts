import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamUnavailableError } from '../../core/errors.js';
import { decodeBedrockResponse } from './decode-response.js';
import { finishFromBedrock } from './finish-reason.js';
import { bedrockProvider } from './index.js';
import { usageFromBedrock } from './usage.js';

const NOW = 1_760_000_000_123;

function answer(content: unknown[], stopReason: string, usage: Record<string, number> = { inputTokens: 10, outputTokens: 5, totalTokens: 15 }): string {
  return JSON.stringify({ output: { message: { role: 'assistant', content } }, stopReason, usage, metrics: { latencyMs: 321 }, extra: 'ignored' });
}

test('decodes text, reasoning with its signature, and the stop reason; id and model are not on the wire', () => {
  const r = decodeBedrockResponse(
    answer([{ reasoningContent: { reasoningText: { text: 'think', signature: 'sig' } } }, { reasoningContent: { redactedContent: 'b3BhcXVl' } }, { text: 'Hello ' }, { text: 'world' }, { citationsContent: {} }], 'end_turn'),
    { now: NOW },
  );
  assert.equal(r.id, '');
  assert.equal(r.model, '');
  assert.equal(r.created, 1_760_000_000);
  assert.deepEqual(r.choices, [
    {
      index: 0,
      text: 'Hello world',
      toolCalls: [],
      finishReason: 'stop',
      providerFinishReason: 'end_turn',
      reasoning: [{ type: 'thinking', text: 'think', signature: 'sig' }, { type: 'redacted', data: 'b3BhcXVl' }],
    },
  ]);
});

test('decodes toolUse blocks into tool calls with the input object as JSON text', () => {
  const r = decodeBedrockResponse(
    answer([{ toolUse: { toolUseId: 'tooluse_a', name: 'get_weather', input: { city: 'Paris' } } }, { toolUse: { toolUseId: 'tooluse_b', name: 'noop', input: {} } }], 'tool_use'),
    { now: NOW },
  );
  assert.equal(r.choices[0]?.text, null);
  assert.deepEqual(r.choices[0]?.toolCalls, [
    { id: 'tooluse_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'tooluse_b', name: 'noop', arguments: '{}' },
  ]);
  assert.equal(r.choices[0]?.finishReason, 'tool_calls');
});

test('every Bedrock stop reason maps per providers.md §11; unknown ones are stop with the word kept', () => {
  const table: [string, string][] = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['malformed_model_output', 'error'],
    ['malformed_tool_use', 'error'],
    ['some_future_reason', 'stop'],
  ];
  for (const [reason, finish] of table) {
    assert.equal(finishFromBedrock(reason), finish, reason);
    const c = decodeBedrockResponse(answer([{ text: 'x' }], reason), { now: NOW }).choices[0];
    assert.equal(c?.finishReason, finish);
    assert.equal(c?.providerFinishReason, reason);
  }
});

test('usage: cache reads and writes are beside inputTokens on Bedrock and inside it in ours; reasoning is not split out', () => {
  assert.deepEqual(usageFromBedrock({ inputTokens: 10, outputTokens: 7, totalTokens: 32, cacheReadInputTokens: 12, cacheWriteInputTokens: 3 }), {
    inputTokens: 25,
    cachedInputTokens: 12,
    cacheWriteTokens: 3,
    outputTokens: 7,
    reasoningTokens: 0,
  });
  assert.deepEqual(usageFromBedrock({ inputTokens: 4, outputTokens: 2 }), { inputTokens: 4, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 });
  assert.equal(usageFromBedrock(undefined), null);
  assert.equal(decodeBedrockResponse(answer([{ text: 'x' }], 'end_turn', { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 5 }), { now: NOW }).usage?.inputTokens, 6);
  assert.equal(bedrockProvider.decodeChat(answer([], 'end_turn', { inputTokens: 3, outputTokens: 4 })).usage?.outputTokens, 4);
  assert.equal(bedrockProvider.decodeChat('not json').usage, null);
});

test('a body that is not a Converse answer is a protocol error, never an empty success', () => {
  for (const body of ['nope', '{}', '{"output":{"message":{}}}', '[]']) {
    assert.throws(() => decodeBedrockResponse(body, { now: NOW }), (e: unknown) => e instanceof UpstreamUnavailableError && e.code === 'upstream_protocol_error', body);
  }
});
