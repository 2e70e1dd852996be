import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatResponse } from '../../core/chat.js';
import { GatewayError, UpstreamError } from '../../core/errors.js';
import { specMissingReason, validateAgainst } from '../../../test/helpers/openapi.js';
import { openAiClientStatus } from './client-status.js';
import { encodeChatCompletion } from './encode-response.js';

const USAGE = { inputTokens: 1210, cachedInputTokens: 1000, cacheWriteTokens: 200, outputTokens: 40, reasoningTokens: 15 };

const TEXT: ChatResponse = {
  id: 'msg_01',
  model: 'claude-sonnet-4-5',
  created: 1_760_000_000,
  choices: [{ index: 0, text: 'Bonjour', toolCalls: [], finishReason: 'stop', providerFinishReason: 'end_turn', reasoning: [{ type: 'thinking', text: 'hmm', signature: 's' }] }],
  usage: USAGE,
};

const TOOLS: ChatResponse = {
  ...TEXT,
  choices: [
    {
      index: 0,
      text: null,
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'toolu_b', name: 'get_time', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
    },
  ],
};

test('a canonical response becomes an OpenAI chat.completion with usage in OpenAI terms', () => {
  const body = JSON.parse(encodeChatCompletion(TEXT)) as Record<string, unknown>;
  assert.deepEqual(body, {
    id: 'msg_01',
    object: 'chat.completion',
    created: 1_760_000_000,
    model: 'claude-sonnet-4-5',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 1210,
      completion_tokens: 40,
      total_tokens: 1250,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 15 },
    },
  });
  assert.equal((JSON.parse(encodeChatCompletion(TEXT, { model: 'my-alias' })) as { model: string }).model, 'my-alias');
});

test('tool calls come out as OpenAI tool_calls with content null and finish_reason tool_calls', () => {
  const body = JSON.parse(encodeChatCompletion(TOOLS)) as { choices: { message: { content: unknown; tool_calls: unknown }; finish_reason: string }[] };
  assert.equal(body.choices[0]?.message.content, null);
  assert.deepEqual(body.choices[0]?.message.tool_calls, [
    { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
  ]);
  assert.equal(body.choices[0]?.finish_reason, 'tool_calls');
});

test('an answer that ended in error or without a finish reason is an error, never an empty 200', () => {
  for (const finishReason of ['error', null] as const) {
    const res: ChatResponse = { ...TEXT, choices: [{ index: 0, text: null, toolCalls: [], finishReason, providerFinishReason: 'MALFORMED_FUNCTION_CALL' }] };
    assert.throws(() => encodeChatCompletion(res), UpstreamError);
  }
});

test('responses validate against the OpenAI spec (CreateChatCompletionResponse)', (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  for (const res of [TEXT, TOOLS, { ...TEXT, usage: null }]) {
    assert.deepEqual(validateAgainst('CreateChatCompletionResponse', JSON.parse(encodeChatCompletion(res))), []);
  }
});

test("the client status: Anthropic's 529 overloaded is 503 for OpenAI clients; known statuses stay", () => {
  const over = new UpstreamError({ status: 529, message: 'Overloaded', retryable: true });
  assert.equal(openAiClientStatus(over), 503);
  assert.equal(over.details['upstream_status'], 529, 'the true upstream status stays in the body');
  assert.equal(openAiClientStatus(new UpstreamError({ status: 429, message: 'x', retryable: true })), 429);
  assert.equal(openAiClientStatus(new GatewayError('x', 400, 'bad')), 400);
  assert.equal(openAiClientStatus(new UpstreamError({ status: 598, message: 'x', retryable: true })), 502);
});
