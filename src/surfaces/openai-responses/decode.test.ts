import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { decodeResponses, decodeResponsesRequest } from './decode.js';

const base = { model: 'gpt-x', input: 'Hi' };

test('a string input decodes to one user message, frozen, with the source kept; streams always report usage', () => {
  const r = decodeResponsesRequest({ ...base, stream: true });
  assert.equal(r.model, 'gpt-x');
  assert.deepEqual(r.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  assert.equal(r.stream, true);
  assert.equal(r.streamIncludeUsage, true);
  assert.equal(r.source.wire, 'openai-responses');
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.messages) && Object.isFrozen(r.source.body));
  const plain = decodeResponsesRequest(base);
  assert.equal(plain.stream, false);
  assert.equal(plain.streamIncludeUsage, false);
});

test('instructions become a system message first; message items keep their roles and parts', () => {
  const r = decodeResponsesRequest({
    ...base,
    instructions: 'Be brief',
    input: [
      { role: 'developer', content: 'Use metric units' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'original' }, { type: 'input_file', file_data: 'x' }] },
      { role: 'system', content: [{ type: 'input_text', text: 'S' }] },
    ],
  });
  assert.deepEqual(r.messages, [
    { role: 'system', content: [{ type: 'text', text: 'Be brief' }] },
    { role: 'developer', content: [{ type: 'text', text: 'Use metric units' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather?' },
        { type: 'image', url: 'https://x/y.png', detail: 'low' },
        { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'high' },
        { type: 'opaque', wireType: 'input_file' },
      ],
    },
    { role: 'system', content: [{ type: 'text', text: 'S' }] },
  ]);
});

test('a tool-use conversation: reasoning, message and calls make one assistant turn; outputs become tool messages', () => {
  const r = decodeResponsesRequest({
    ...base,
    input: [
      { role: 'user', content: 'Weather in Paris and the time?' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: 'tollgate.v1.signature:sig1' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'tollgate.v1.redacted:opaque' },
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'get_time', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_a', output: 'sunny' },
      { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: '12:00' }] },
      { type: 'function_call', call_id: 'call_c', name: 'get_time', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_c', output: '12:01' },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
    ],
  });
  assert.deepEqual(r.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and the time?' }] },
    {
      role: 'assistant',
      content: [{ type: 'text', text: 'Checking' }],
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_b', name: 'get_time', arguments: '{}' },
      ],
      reasoning: [
        { type: 'thinking', text: 'hmm', signature: 'sig1' },
        { type: 'redacted', data: 'opaque' },
      ],
    },
    { role: 'tool', toolCallId: 'call_a', content: [{ type: 'text', text: 'sunny' }] },
    { role: 'tool', toolCallId: 'call_b', content: [{ type: 'text', text: '12:00' }] },
    { role: 'assistant', content: [], toolCalls: [{ id: 'call_c', name: 'get_time', arguments: '{}' }] },
    { role: 'tool', toolCallId: 'call_c', content: [{ type: 'text', text: '12:01' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'No.' }] },
  ]);
});

test('reasoning the canonical model cannot carry is left out and reported, never sent as a signature', () => {
  const d = decodeResponses({
    ...base,
    input: [
      { role: 'user', content: 'Q' },
      // OpenAI's own ciphertext: only OpenAI can read it; the text survives, unsigned.
      { type: 'reasoning', id: 'rs_a', summary: [{ type: 'summary_text', text: 'a' }, { type: 'summary_text', text: 'b' }], encrypted_content: 'gAAAAforeign' },
      { type: 'reasoning', id: 'rs_b', summary: [], content: [{ type: 'reasoning_text', text: 'raw' }] },
      { type: 'reasoning', id: 'rs_c', summary: [] },
      { role: 'assistant', content: 'A' },
      // Reasoning with no assistant output after it in its turn.
      { type: 'reasoning', id: 'rs_d', summary: [{ type: 'summary_text', text: 'lost' }] },
      { role: 'user', content: 'Q2' },
    ],
  });
  assert.deepEqual(d.request.messages[1], {
    role: 'assistant',
    content: [{ type: 'text', text: 'A' }],
    reasoning: [
      { type: 'thinking', text: 'a\n\nb' },
      { type: 'thinking', text: 'raw' },
    ],
  });
  assert.deepEqual(d.ignored, ['input[1].encrypted_content', 'input[3]', 'input[5]']);
  assert.equal(d.request.messages.length, 3);
});

test('tools, tool_choice, text.format, sampling, reasoning, metadata and user map to canonical fields', () => {
  const r = decodeResponsesRequest({
    ...base,
    tools: [
      { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { type: 'web_search' },
      { type: 'function', name: 'noop', parameters: null, strict: null },
      { type: 'mcp', server_label: 'x' },
    ],
    tool_choice: { type: 'function', name: 'get_weather' },
    parallel_tool_calls: false,
    text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
    max_output_tokens: 300,
    temperature: 0.5,
    top_p: 0.9,
    reasoning: { effort: 'high' },
    metadata: { k: 'v' },
    safety_identifier: 'u-1',
  });
  const expected: Omit<ChatRequest, 'source' | 'messages'> = {
    model: 'gpt-x',
    stream: false,
    streamIncludeUsage: false,
    tools: [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { name: 'noop' },
    ],
    opaqueTools: ['web_search', 'mcp'],
    toolChoice: { name: 'get_weather' },
    parallelToolCalls: false,
    responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
    maxOutputTokens: 300,
    temperature: 0.5,
    topP: 0.9,
    reasoningEffort: 'high',
    metadata: { k: 'v' },
    user: 'u-1',
  };
  const { source: _s, messages: _m, ...rest } = r;
  assert.deepEqual(rest, expected);
  for (const [tc, want] of [['auto', 'auto'], ['none', 'none'], ['required', 'required']] as const) assert.equal(decodeResponsesRequest({ ...base, tool_choice: tc }).toolChoice, want);
  assert.deepEqual(decodeResponsesRequest({ ...base, text: { format: { type: 'json_object' } } }).responseFormat, { type: 'json_object' });
  assert.deepEqual(decodeResponsesRequest({ ...base, text: { format: { type: 'text' } } }).responseFormat, { type: 'text' });
  assert.equal(decodeResponsesRequest({ ...base, user: 'a', safety_identifier: 'b' }).user, 'a');
});

test('store, truncation and other hints are accepted and reported as ignored; background: false is fine', () => {
  const d = decodeResponses({
    ...base,
    store: true,
    background: false,
    truncation: 'auto',
    service_tier: 'flex',
    prompt_cache_key: 'k',
    include: ['reasoning.encrypted_content', 'file_search_call.results'],
    text: { verbosity: 'low' },
    reasoning: { effort: 'low', summary: 'auto' },
    top_logprobs: 3,
  });
  assert.deepEqual([...d.ignored].sort(), ['include[1]', 'prompt_cache_key', 'reasoning.summary', 'service_tier', 'store', 'text.verbosity', 'top_logprobs', 'truncation']);
  assert.deepEqual(decodeResponses({ ...base, store: false, truncation: 'disabled' }).ignored, []);
});

const REFUSALS: readonly [string, Record<string, unknown>, string, string][] = [
  // [what, body, param, code]
  ['not an object', [] as unknown as Record<string, unknown>, 'body', 'invalid_request'],
  ['no model', { input: 'x' }, 'model', 'missing_parameter'],
  ['no input', { model: 'm' }, 'input', 'missing_parameter'],
  ['input of a wrong type', { ...base, input: 5 }, 'input', 'invalid_request'],
  ['an empty input list', { ...base, input: [] }, 'input', 'invalid_request'],
  ['an item that is not an object', { ...base, input: ['x'] }, 'input[0]', 'invalid_request'],
  ['an unknown role', { ...base, input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_request'],
  ['a message without content', { ...base, input: [{ role: 'user' }] }, 'input[0].content', 'missing_parameter'],
  ['a text part without text', { ...base, input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text', 'invalid_request'],
  ['an image by file id', { ...base, input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter'],
  ['an image without a url', { ...base, input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] }, 'input[0].content[0].image_url', 'missing_parameter'],
  ['a bad image detail', { ...base, input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'max' }] }] }, 'input[0].content[0].detail', 'invalid_request'],
  ['a call without call_id', { ...base, input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'missing_parameter'],
  ['a call with object arguments', { ...base, input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }, 'input[0].arguments', 'invalid_request'],
  ['an output without output', { ...base, input: [{ type: 'function_call_output', call_id: 'c' }] }, 'input[0].output', 'missing_parameter'],
  ['an output without call_id', { ...base, input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id', 'missing_parameter'],
  ['a reasoning item with a bad summary', { ...base, input: [{ type: 'reasoning', summary: [{ type: 'summary_text' }] }] }, 'input[0].summary[0].text', 'invalid_request'],
  ['an item reference', { ...base, input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', 'unsupported_parameter'],
  ['a built-in tool item', { ...base, input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] }, 'input[0].type', 'unsupported_parameter'],
  ['previous_response_id', { ...base, previous_response_id: 'resp_1' }, 'previous_response_id', 'unsupported_parameter'],
  ['conversation', { ...base, conversation: 'conv_1' }, 'conversation', 'unsupported_parameter'],
  ['a stored prompt', { ...base, prompt: { id: 'pmpt_1' } }, 'prompt', 'unsupported_parameter'],
  ['background', { ...base, background: true }, 'background', 'unsupported_parameter'],
  ['logprobs through include', { ...base, include: ['message.output_text.logprobs'] }, 'include', 'unsupported_parameter'],
  ['context_management', { ...base, context_management: [{ type: 'compaction' }] }, 'context_management', 'unsupported_parameter'],
  ['seed (a Chat Completions field)', { ...base, seed: 1 }, 'seed', 'unknown_parameter'],
  ['messages (a Chat Completions field)', { ...base, messages: [] }, 'messages', 'unknown_parameter'],
  ['max_tokens', { ...base, max_tokens: 5 }, 'max_tokens', 'unknown_parameter'],
  ['instructions of a wrong type', { ...base, instructions: ['x'] }, 'instructions', 'invalid_request'],
  ['temperature out of range', { ...base, temperature: 3 }, 'temperature', 'invalid_request'],
  ['top_p out of range', { ...base, top_p: 1.5 }, 'top_p', 'invalid_request'],
  ['max_output_tokens not an integer', { ...base, max_output_tokens: 1.5 }, 'max_output_tokens', 'invalid_request'],
  ['stream not a boolean', { ...base, stream: 'yes' }, 'stream', 'invalid_request'],
  ['metadata of non-strings', { ...base, metadata: { k: 1 } }, 'metadata.k', 'invalid_request'],
  ['tools not a list', { ...base, tools: {} }, 'tools', 'invalid_request'],
  ['a function tool without a name', { ...base, tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name', 'missing_parameter'],
  ['a bad tool name', { ...base, tools: [{ type: 'function', name: 'bad name' }] }, 'tools[0].name', 'invalid_request'],
  ['tool parameters not an object', { ...base, tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters', 'invalid_request'],
  ['a named tool_choice without a name', { ...base, tool_choice: { type: 'function' } }, 'tool_choice.name', 'missing_parameter'],
  ['allowed_tools', { ...base, tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }, 'tool_choice', 'unsupported_parameter'],
  ['a built-in tool_choice', { ...base, tool_choice: { type: 'web_search_preview' } }, 'tool_choice', 'unsupported_parameter'],
  ['a bad tool_choice', { ...base, tool_choice: 'any' }, 'tool_choice', 'invalid_request'],
  ['a bad text.format type', { ...base, text: { format: { type: 'yaml' } } }, 'text.format.type', 'invalid_request'],
  ['a json_schema without a schema', { ...base, text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', 'missing_parameter'],
  ['a json_schema without a name', { ...base, text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name', 'missing_parameter'],
  ['reasoning.effort not a string', { ...base, reasoning: { effort: 1 } }, 'reasoning.effort', 'invalid_request'],
  ['include not a list', { ...base, include: 'x' }, 'include', 'invalid_request'],
  ['a bad truncation', { ...base, truncation: 'yes' }, 'truncation', 'invalid_request'],
];

for (const [what, body, param, code] of REFUSALS) {
  test(`refuses ${what} with 400 ${code} on '${param}'`, () => {
    assert.throws(
      () => decodeResponsesRequest(body),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === param && e.code === code,
    );
  });
}

test('the stateless refusals say that the gateway does not store responses', () => {
  for (const body of [{ ...base, previous_response_id: 'resp_1' }, { ...base, conversation: { id: 'c' } }, { ...base, input: [{ type: 'item_reference', id: 'x' }] }]) {
    assert.throws(() => decodeResponsesRequest(body), /does not store responses/);
  }
});
