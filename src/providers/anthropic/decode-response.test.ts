import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamUnavailableError } from '../../core/errors.js';
import { decodeAnthropicResponse } from './decode-response.js';
import { finishFromAnthropic } from './finish-reason.js';
import { usageFromAnthropic } from './usage.js';

const NOW = 1_760_000_000_123;

test('stop_reason → finish reason per providers.md §11', () => {
  const table: [string, string][] = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['some_future_reason', 'stop'],
  ];
  for (const [anthropic, ours] of table) assert.equal(finishFromAnthropic(anthropic), ours, anthropic);
});

test('usage: cache reads and writes are BESIDE input_tokens on Anthropic, inside inputTokens for us', () => {
  assert.deepEqual(
    usageFromAnthropic({ input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 50, output_tokens_details: { thinking_tokens: 20 } }),
    { inputTokens: 3210, cachedInputTokens: 3000, cacheWriteTokens: 200, outputTokens: 50, reasoningTokens: 20 },
  );
  assert.deepEqual(usageFromAnthropic({ input_tokens: 7, output_tokens: 2, cache_read_input_tokens: null }), {
    inputTokens: 7,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 2,
    reasoningTokens: 0,
  });
  assert.equal(usageFromAnthropic(undefined), null);
});

test('decodes text, parallel tool_use (input → JSON arguments) and thinking with its signature', () => {
  const res = decodeAnthropicResponse(
    JSON.stringify({
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'Two lookups.', signature: 'sig==' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 40 },
    }),
    { now: NOW },
  );
  assert.equal(res.id, 'msg_01');
  assert.equal(res.model, 'claude-sonnet-4-5');
  assert.equal(res.created, 1_760_000_000);
  assert.deepEqual(res.choices, [
    {
      index: 0,
      text: 'Checking.',
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'toolu_b', name: 'get_time', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      providerFinishReason: 'tool_use',
      reasoning: [{ type: 'thinking', text: 'Two lookups.', signature: 'sig==' }],
    },
  ]);
  assert.deepEqual(res.usage, { inputTokens: 105, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 40, reasoningTokens: 0 });
});

test('a refusal keeps the provider reason beside content_filter; an answer without text has text null', () => {
  const res = decodeAnthropicResponse(JSON.stringify({ id: 'm', type: 'message', model: 'c', content: [], stop_reason: 'refusal', usage: { input_tokens: 1, output_tokens: 0 } }), { now: NOW });
  assert.equal(res.choices[0]?.text, null);
  assert.equal(res.choices[0]?.finishReason, 'content_filter');
  assert.equal(res.choices[0]?.providerFinishReason, 'refusal');
});

test('a body that is not a message is a protocol error, never an empty success', () => {
  for (const body of ['not json', '{"type":"error","error":{"type":"api_error","message":"x"}}', '[]', '{"type":"message"}']) {
    assert.throws(() => decodeAnthropicResponse(body, { now: NOW }), UpstreamUnavailableError, body);
  }
});
