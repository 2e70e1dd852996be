import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatResponse } from '../../core/chat.js';
import { GatewayError, RateLimitedError, UpstreamError } from '../../core/errors.js';
import { encodeAnthropicMessage } from './encode-response.js';
import { anthropicErrorBody } from './errors.js';
import { PARAMS, serve } from './test-sdk-server.js';

const USAGE = { inputTokens: 1000, cachedInputTokens: 700, cacheWriteTokens: 200, outputTokens: 50, reasoningTokens: 10 };

const TOOLS: ChatResponse = {
  id: 'chatcmpl-1',
  model: 'gpt-x',
  created: 1,
  choices: [
    {
      index: 0,
      text: 'Let me check',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_b', name: 'get_time', arguments: '' },
      ],
      finishReason: 'tool_calls',
      providerFinishReason: 'tool_calls',
      reasoning: [{ type: 'thinking', text: 'hmm', signature: 's' }],
    },
  ],
  usage: USAGE,
};

test('the SDK reads a translated message: blocks, distinct tool ids, stop_reason, usage in Anthropic convention', async () => {
  const s = await serve(200, 'application/json', () => encodeAnthropicMessage(TOOLS, { model: 'alias' }));
  try {
    const m = await s.client.messages.create(PARAMS);
    assert.equal(m.type, 'message');
    assert.equal(m.model, 'alias');
    assert.deepEqual(
      m.content.map((b) => b.type),
      ['thinking', 'text', 'tool_use', 'tool_use'],
    );
    const tools = m.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual(
      tools.map((t) => [t.id, t.name, t.input]),
      [
        ['call_a', 'get_weather', { city: 'Paris' }],
        ['call_b', 'get_time', {}],
      ],
    );
    assert.equal(m.stop_reason, 'tool_use');
    assert.equal(m.usage.input_tokens, 100);
    assert.equal(m.usage.cache_read_input_tokens, 700);
    assert.equal(m.usage.cache_creation_input_tokens, 200);
    assert.equal(m.usage.output_tokens, 50);
  } finally {
    await s.close();
  }
});

test('stop reasons: the provider’s own Anthropic word is kept, others are mapped', () => {
  const stop = (finishReason: ChatResponse['choices'][number]['finishReason'], providerFinishReason: string | null): unknown =>
    JSON.parse(encodeAnthropicMessage({ ...TOOLS, choices: [{ index: 0, text: 'x', toolCalls: [], finishReason, providerFinishReason }] }))['stop_reason'];
  assert.equal(stop('stop', 'stop'), 'end_turn');
  assert.equal(stop('length', 'length'), 'max_tokens');
  assert.equal(stop('tool_calls', 'tool_calls'), 'tool_use');
  assert.equal(stop('content_filter', 'content_filter'), 'refusal');
  assert.equal(stop('stop', 'pause_turn'), 'pause_turn');
  assert.equal(stop('stop', 'stop_sequence'), 'stop_sequence');
  assert.equal(stop('length', 'model_context_window_exceeded'), 'model_context_window_exceeded');
  assert.throws(() => stop('error', 'malformed'), UpstreamError);
  assert.throws(() => stop(null, null), UpstreamError);
});

test('error bodies: Anthropic type by status, the gateway code kept; the SDK raises the matching class', async () => {
  const cases: [GatewayError, string][] = [
    [new GatewayError('invalid_request', 400, 'bad'), 'invalid_request_error'],
    [new GatewayError('invalid_api_key', 401, 'no'), 'authentication_error'],
    [new GatewayError('model_not_allowed', 403, 'no'), 'permission_error'],
    [new GatewayError('model_not_found', 404, 'no'), 'not_found_error'],
    [new GatewayError('request_too_large', 413, 'big'), 'request_too_large'],
    [new RateLimitedError({ limit: 'rpm', scope: 'key:k', limitValue: 5, current: 5, requested: 1 }), 'rate_limit_error'],
    [new GatewayError('internal_error', 500, 'x'), 'api_error'],
    [new GatewayError('shutting_down', 503, 'x'), 'overloaded_error'],
    [new UpstreamError({ status: 529, message: 'busy', retryable: true }), 'overloaded_error'],
  ];
  for (const [err, type] of cases) {
    const body = JSON.parse(anthropicErrorBody(err, 'req_1')) as { type: string; error: Record<string, unknown>; request_id: string };
    assert.equal(body.type, 'error');
    assert.equal(body.error['type'], type, err.code);
    assert.equal(body.error['message'], err.message);
    assert.equal(body.error['code'], err.code);
    assert.equal(body.request_id, 'req_1');
  }
  const rl = new RateLimitedError({ limit: 'rpm', scope: 'key:k', limitValue: 5, current: 5, requested: 1 });
  const s = await serve(429, 'application/json', () => anthropicErrorBody(rl, 'req_1'));
  try {
    await assert.rejects(s.client.messages.create(PARAMS), (e: unknown) => {
      assert.ok(e instanceof Anthropic.RateLimitError);
      const body = e.error as { error: { type: string; code: string; scope: string } };
      assert.equal(body.error.type, 'rate_limit_error');
      assert.equal(body.error.code, 'rate_limit_rpm');
      assert.equal(body.error.scope, 'key:k');
      return true;
    });
  } finally {
    await s.close();
  }
});
