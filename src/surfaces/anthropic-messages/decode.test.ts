import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.js';
import { decodeMessagesRequest } from './decode.js';

const base = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };

function refused(body: unknown, param: string, code = 'invalid_request'): void {
  assert.throws(
    () => decodeMessagesRequest(body),
    (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === param && e.code === code,
    `expected 400 ${code} on ${param}`,
  );
}

test('a minimal request decodes, frozen, with the source kept and usage always on for streams', () => {
  const r = decodeMessagesRequest({ ...base, stream: true });
  assert.equal(r.model, 'claude-x');
  assert.equal(r.maxOutputTokens, 100);
  assert.deepEqual(r.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  assert.equal(r.stream, true);
  assert.equal(r.streamIncludeUsage, true);
  assert.equal(r.source.wire, 'anthropic-messages');
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.messages));
  assert.equal(decodeMessagesRequest(base).streamIncludeUsage, false);
});

test('system as a string and as text blocks becomes system messages first', () => {
  assert.deepEqual(decodeMessagesRequest({ ...base, system: 'Be brief' }).messages[0], { role: 'system', content: [{ type: 'text', text: 'Be brief' }] });
  const r = decodeMessagesRequest({ ...base, system: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }] });
  assert.deepEqual(r.messages[0], { role: 'system', content: [{ type: 'text', text: 'A', cache: {} }, { type: 'text', text: 'B' }] });
  assert.equal(r.messages[1]?.role, 'user');
});

test('C1: cache_control breakpoints on system, text, image blocks and tools are kept as canonical breakpoints', () => {
  const r = decodeMessagesRequest({
    ...base,
    system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    tools: [{ name: 't', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' }, cache_control: { type: 'ephemeral', ttl: '5m' } }, { type: 'text', text: 'q' }] }],
  });
  assert.deepEqual(r.messages[0], { role: 'system', content: [{ type: 'text', text: 'S', cache: { ttl: '1h' } }] });
  assert.deepEqual(r.messages[1], { role: 'user', content: [{ type: 'image', url: 'https://x/y.png', cache: { ttl: '5m' } }, { type: 'text', text: 'q' }] });
  assert.deepEqual(r.tools, [{ name: 't', parameters: { type: 'object' }, cache: {} }]);
  assert.throws(() => decodeMessagesRequest({ ...base, system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral', ttl: '2h' } }] }), (e: unknown) => (e as { param?: string }).param === 'system[0].cache_control.ttl');
});

test('a tool-use conversation: thinking, text, tool_use, then tool_results in order and the next text', () => {
  const r = decodeMessagesRequest({
    ...base,
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig1' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Checking' },
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: '12:00' }], is_error: true },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ],
  });
  assert.deepEqual(r.messages, [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather?' },
        { type: 'image', url: 'data:image/png;base64,AAAA' },
        { type: 'image', url: 'https://x/y.png' },
      ],
    },
    {
      role: 'assistant',
      content: [{ type: 'text', text: 'Checking' }],
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'toolu_b', name: 'get_time', arguments: '{}' },
      ],
      reasoning: [
        { type: 'thinking', text: 'hmm', signature: 'sig1' },
        { type: 'redacted', data: 'opaque' },
      ],
    },
    { role: 'tool', toolCallId: 'toolu_a', content: [{ type: 'text', text: 'sunny' }] },
    { role: 'tool', toolCallId: 'toolu_b', content: [{ type: 'text', text: '12:00' }], isError: true },
    { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
  ]);
});

test('documents and server tools are kept as opaque (relayable, refused elsewhere)', () => {
  const r = decodeMessagesRequest({
    ...base,
    messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
    tools: [{ type: 'web_search_20250305', name: 'web_search' }],
  });
  assert.deepEqual(r.messages[0]?.content, [{ type: 'opaque', wireType: 'document' }]);
  assert.deepEqual(r.opaqueTools, ['web_search_20250305']);
  assert.deepEqual(r.tools, []);
});

test('tools, tool_choice, sampling, stop, user, thinking and output format map to canonical fields', () => {
  const r = decodeMessagesRequest({
    ...base,
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ['END'],
    metadata: { user_id: 'u-1' },
    thinking: { type: 'enabled', budget_tokens: 2048 },
    output_config: { format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'high' },
  });
  assert.deepEqual(r.tools, [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]);
  assert.equal(r.toolChoice, 'required');
  assert.equal(r.parallelToolCalls, false);
  assert.equal(r.temperature, 0.5);
  assert.equal(r.topP, 0.9);
  assert.equal(r.topK, 40);
  assert.deepEqual(r.stop, ['END']);
  assert.equal(r.user, 'u-1');
  assert.equal(r.reasoningBudgetTokens, 2048);
  assert.equal(r.reasoningEffort, 'high');
  assert.deepEqual(r.responseFormat, { type: 'json_schema', name: 'output', schema: { type: 'object' }, strict: true });
  assert.deepEqual(decodeMessagesRequest({ ...base, tool_choice: { type: 'tool', name: 'f' } }).toolChoice, { name: 'f' });
  assert.equal(decodeMessagesRequest({ ...base, tool_choice: { type: 'auto' } }).toolChoice, 'auto');
  assert.equal(decodeMessagesRequest({ ...base, tool_choice: { type: 'none' } }).toolChoice, 'none');
  assert.equal(decodeMessagesRequest({ ...base, thinking: { type: 'disabled' } }).reasoningEffort, 'none');
  assert.equal(decodeMessagesRequest({ ...base, thinking: { type: 'adaptive' } }).reasoningEffort, undefined);
});

test('refusals name the exact parameter', () => {
  refused([], 'body');
  refused({ ...base, model: undefined }, 'model', 'missing_parameter');
  refused({ ...base, max_tokens: undefined }, 'max_tokens', 'missing_parameter');
  refused({ ...base, max_tokens: 'x' }, 'max_tokens');
  refused({ ...base, max_tokens: 1.5 }, 'max_tokens');
  refused({ ...base, messages: undefined }, 'messages', 'missing_parameter');
  refused({ ...base, messages: {} }, 'messages');
  refused({ ...base, messages: [] }, 'messages');
  refused({ ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role');
  refused({ ...base, messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_parameter');
  refused({ ...base, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content');
  refused({ ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text');
  refused({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'A' } }] }] }, 'messages[0].content[0].source.media_type', 'missing_parameter');
  refused({ ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }] }] }, 'messages[0].content[0].input');
  refused({ ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }] }, 'messages[0].content[0].id', 'missing_parameter');
  refused({ ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] }, 'messages[0].content[0].type');
  refused({ ...base, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id', 'missing_parameter');
  refused({ ...base, system: 5 }, 'system');
  refused({ ...base, system: [{ type: 'image' }] }, 'system[0].type');
  refused({ ...base, temperature: 1.5 }, 'temperature');
  refused({ ...base, top_p: 2 }, 'top_p');
  refused({ ...base, top_k: -1 }, 'top_k');
  refused({ ...base, stop_sequences: 'END' }, 'stop_sequences');
  refused({ ...base, stream: 'yes' }, 'stream');
  refused({ ...base, metadata: { user_id: 5 } }, 'metadata.user_id');
  refused({ ...base, tools: {} }, 'tools');
  refused({ ...base, tools: [{ name: 'f' }] }, 'tools[0].input_schema', 'missing_parameter');
  refused({ ...base, tools: [{ name: 'bad name', input_schema: {} }] }, 'tools[0].name');
  refused({ ...base, tool_choice: { type: 'required' } }, 'tool_choice.type');
  refused({ ...base, tool_choice: { type: 'tool' } }, 'tool_choice.name', 'missing_parameter');
  refused({ ...base, thinking: { type: 'enabled' } }, 'thinking.budget_tokens', 'missing_parameter');
  refused({ ...base, thinking: { type: 'on' } }, 'thinking.type');
  refused({ ...base, output_config: { effort: 'extreme' } }, 'output_config.effort');
  refused({ ...base, output_config: { format: { type: 'json_object' } } }, 'output_config.format.type');
  refused({ ...base, output_config: { format: { type: 'json_schema' } } }, 'output_config.format.schema');
});
