import { test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { ChatChoice, ChatResponse } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { specMissingReason, validateAgainst } from '../../../test/helpers/openapi.js';
import { decodeResponsesRequest } from './decode.js';
import { encodeResponsesResponse, responsesResponseJson } from './encode-response.js';
import { serve } from './test-sdk-server.js';

const USAGE = { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 7, outputTokens: 30, reasoningTokens: 12 };

function answer(choice: Partial<ChatChoice>, usage: ChatResponse['usage'] = USAGE): ChatResponse {
  return {
    id: 'msg_01',
    model: 'claude-sonnet-4-5',
    created: 1_760_000_000,
    choices: [{ index: 0, text: 'Hello', toolCalls: [], finishReason: 'stop', providerFinishReason: 'end_turn', ...choice }],
    usage,
  };
}

const TOOL_ANSWER = answer({
  text: 'Checking',
  finishReason: 'tool_calls',
  reasoning: [
    { type: 'thinking', text: 'hmm', signature: 'sig1' },
    { type: 'redacted', data: 'opaque' },
  ],
  toolCalls: [
    { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'toolu_b', name: 'get_time', arguments: '{}' },
  ],
});

const REQUEST = decodeResponsesRequest({
  model: 'my-alias',
  input: 'Weather?',
  instructions: 'Be brief',
  tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }, { type: 'function', name: 'get_time', description: 'Time', strict: true }],
  tool_choice: 'required',
  temperature: 0.3,
  max_output_tokens: 500,
  metadata: { k: 'v' },
  text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } },
  reasoning: { effort: 'low' },
});

test('text answer: a completed response with one message item, usage, and the spec defaults echoed', () => {
  const r = responsesResponseJson(answer({}), { model: 'my-alias' });
  assert.deepEqual(r, {
    id: 'resp_msg_01',
    object: 'response',
    created_at: 1_760_000_000,
    status: 'completed',
    error: null,
    incomplete_details: null,
    model: 'my-alias',
    output: [{ type: 'message', id: 'msg_msg_01_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }] }],
    instructions: null,
    max_output_tokens: null,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    background: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    metadata: {},
    usage: {
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 100, cache_write_tokens: 7 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 150,
    },
  });
});

test('tool answer: reasoning items first (signature and redacted data in encrypted_content), the message, one function_call per call', () => {
  const r = responsesResponseJson(TOOL_ANSWER, { model: 'my-alias', request: REQUEST });
  assert.deepEqual(r['output'], [
    { type: 'reasoning', id: 'rs_msg_01_0', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: 'tollgate.v1.signature:sig1', status: 'completed' },
    { type: 'reasoning', id: 'rs_msg_01_1', summary: [], encrypted_content: 'tollgate.v1.redacted:opaque', status: 'completed' },
    { type: 'message', id: 'msg_msg_01_2', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Checking', annotations: [], logprobs: [] }] },
    { type: 'function_call', id: 'fc_msg_01_3', call_id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
    { type: 'function_call', id: 'fc_msg_01_4', call_id: 'toolu_b', name: 'get_time', arguments: '{}', status: 'completed' },
  ]);
  assert.equal(r['status'], 'completed');
  // The request is echoed as the spec requires.
  assert.equal(r['instructions'], 'Be brief');
  assert.deepEqual(r['tools'], [
    { type: 'function', name: 'get_weather', description: null, parameters: { type: 'object' }, strict: null },
    { type: 'function', name: 'get_time', description: 'Time', parameters: null, strict: true },
  ]);
  assert.equal(r['tool_choice'], 'required');
  assert.equal(r['temperature'], 0.3);
  assert.equal(r['max_output_tokens'], 500);
  assert.deepEqual(r['metadata'], { k: 'v' });
  assert.deepEqual(r['reasoning'], { effort: 'low', summary: null });
  assert.deepEqual(r['text'], { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: null } });
});

test('a tool-only answer has no message item; an empty answer has an empty message', () => {
  const calls = responsesResponseJson(answer({ text: null, finishReason: 'tool_calls', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] }));
  assert.deepEqual((calls['output'] as { type: string }[]).map((i) => i.type), ['function_call']);
  const empty = responsesResponseJson(answer({ text: null }));
  assert.deepEqual((empty['output'] as { content: unknown }[])[0]?.content, [{ type: 'output_text', text: '', annotations: [], logprobs: [] }]);
});

test('length and content filter end as incomplete with their reason; the message is incomplete too', () => {
  for (const [finishReason, reason] of [['length', 'max_output_tokens'], ['content_filter', 'content_filter']] as const) {
    const r = responsesResponseJson(answer({ finishReason }));
    assert.equal(r['status'], 'incomplete');
    assert.deepEqual(r['incomplete_details'], { reason });
    assert.equal((r['output'] as { status: string }[])[0]?.status, 'incomplete');
  }
});

test('R6: an answer that ended in error or without a finish reason is thrown, never a 200 response', () => {
  for (const c of [{ finishReason: 'error' as const, providerFinishReason: 'MALFORMED_FUNCTION_CALL' }, { finishReason: null }]) {
    assert.throws(() => encodeResponsesResponse(answer(c)), (e: unknown) => e instanceof GatewayError && e.code === 'upstream_error' && e.status === 502);
  }
  assert.throws(() => encodeResponsesResponse({ ...answer({}), choices: [] }), /no answer/);
});

test('without usage the response leaves usage out (the spec does not allow null)', () => {
  assert.equal('usage' in responsesResponseJson(answer({}, null)), false);
});

test('responses validate against the OpenAI spec (Response)', (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  const cases = [
    responsesResponseJson(answer({}), { model: 'm' }),
    responsesResponseJson(TOOL_ANSWER, { model: 'm', request: REQUEST }),
    responsesResponseJson(answer({ finishReason: 'length' }, null)),
    responsesResponseJson(answer({ text: null, finishReason: 'tool_calls', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] }), {
      request: decodeResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'web_search' }, { type: 'function', name: 'f', strict: false, parameters: {} }], tool_choice: { type: 'function', name: 'f' } }),
    }),
  ];
  for (const r of cases) assert.deepEqual(validateAgainst('Response', r), [], JSON.stringify(r));
});

test('the openai SDK reads the response: output_text, function calls and usage', async () => {
  const s = await serve(200, 'application/json', () => encodeResponsesResponse(TOOL_ANSWER, { model: 'my-alias', request: REQUEST }));
  try {
    const r = await s.client.responses.create({ model: 'my-alias', input: 'Weather?' });
    assert.equal(r.id, 'resp_msg_01');
    assert.equal(r.output_text, 'Checking');
    const calls = r.output.flatMap((i) => (i.type === 'function_call' ? [[i.call_id, i.name, JSON.parse(i.arguments) as unknown]] : []));
    assert.deepEqual(calls, [
      ['toolu_a', 'get_weather', { city: 'Paris' }],
      ['toolu_b', 'get_time', {}],
    ]);
    assert.equal(r.usage?.input_tokens_details.cached_tokens, 100);
    assert.equal(r.usage?.output_tokens_details.reasoning_tokens, 12);
  } finally {
    await s.close();
  }
});

test('round trip: the output the SDK got, sent back as input with the tool results, decodes to the same turn', async () => {
  const s = await serve(200, 'application/json', () => encodeResponsesResponse(TOOL_ANSWER, { model: 'my-alias' }));
  try {
    const first = await s.client.responses.create({ model: 'my-alias', input: 'Weather?' });
    // What SDK users do for the next turn: previous output as input, plus one output per call.
    await s.client.responses.create({
      model: 'my-alias',
      input: [
        { role: 'user', content: 'Weather?' },
        // The SDK's output union includes item statuses its input union lacks ('failed'); ours never use them.
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'toolu_a', output: 'sunny' },
        { type: 'function_call_output', call_id: 'toolu_b', output: '12:00' },
      ],
    });
    const next = decodeResponsesRequest(s.lastBody());
    const c = TOOL_ANSWER.choices[0];
    assert.deepEqual(next.messages[1], { role: 'assistant', content: [{ type: 'text', text: c?.text }], toolCalls: c?.toolCalls, reasoning: c?.reasoning });
    assert.deepEqual(next.messages.slice(2).map((m) => (m.role === 'tool' ? m.toolCallId : m.role)), ['toolu_a', 'toolu_b']);
  } finally {
    await s.close();
  }
});

test('the openai SDK reads an error body as an APIError with our code', async () => {
  const { openAiErrorBody } = await import('../openai-chat/errors.js');
  const { UnsupportedParameterError } = await import('../../core/errors.js');
  const s = await serve(400, 'application/json', () => openAiErrorBody(new UnsupportedParameterError('previous_response_id', 'this gateway'), 'req_1'));
  try {
    await assert.rejects(s.client.responses.create({ model: 'm', input: 'x' }), (e: unknown) => {
      const err = e as { status: number; code: string; param: string };
      return err.status === 400 && err.code === 'unsupported_parameter' && err.param === 'previous_response_id';
    });
  } finally {
    await s.close();
  }
});
