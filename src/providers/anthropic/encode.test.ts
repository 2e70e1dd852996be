import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, ChatRequest } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import { DEFAULT_MAX_TOKENS, encodeAnthropicChat, type AnthropicEncodeOptions } from './encode.js';
import { chatRequest, ENDPOINT, MODEL, TARGET } from './test-fixtures.js';

type Body = Record<string, unknown> & { messages: { role: string; content: Record<string, unknown>[] }[] };

function encode(req: ChatRequest, opts?: AnthropicEncodeOptions): Body {
  return JSON.parse(encodeAnthropicChat(req, ENDPOINT, MODEL, opts).request.body ?? '') as Body;
}

const text = (t: string) => ({ type: 'text' as const, text: t });
const user = (t: string): ChatMessage => ({ role: 'user', content: [text(t)] });

test('posts to {basePath}/messages with x-api-key, anthropic-version (default 2023-06-01) and JSON', () => {
  const { request } = encodeAnthropicChat(chatRequest({}), ENDPOINT, MODEL);
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/v1/messages');
  assert.equal(request.headers['x-api-key'], 'sk-ant-test');
  assert.equal(request.headers['anthropic-version'], '2023-06-01');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['authorization'], undefined);
  const pinned = encodeAnthropicChat(chatRequest({}), { ...ENDPOINT, apiVersion: '2024-01-01', headers: { 'anthropic-beta': 'x' } }, MODEL).request;
  assert.equal(pinned.headers['anthropic-version'], '2024-01-01');
  assert.equal(pinned.headers['anthropic-beta'], 'x');
});

test('system and developer messages, wherever they are, become top-level system blocks in order', () => {
  const body = encode(
    chatRequest({
      messages: [
        { role: 'system', content: [text('Be brief.')] },
        user('Hi'),
        { role: 'developer', content: [text('Answer in French.')] },
        { role: 'assistant', content: [text('Bonjour')] },
        user('Again'),
      ],
    }),
  );
  assert.deepEqual(body['system'], [text('Be brief.'), text('Answer in French.')]);
  assert.deepEqual(body.messages.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.ok(body.messages.every((m) => m.content.every((b) => b['type'] === 'text')));
});

test('consecutive tool messages become ONE user message, tool_result blocks first, then the next user turn', () => {
  const body = encode(
    chatRequest({
      messages: [
        user('Weather and time?'),
        {
          role: 'assistant',
          content: [text('Checking both.')],
          toolCalls: [
            { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call_b', name: 'get_time', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'call_a', content: [text('sunny')] },
        { role: 'tool', toolCallId: 'call_b', content: [text('noon')] },
        user('Thanks, and tomorrow?'),
      ],
    }),
  );
  assert.equal(body.messages.length, 3);
  assert.deepEqual(body.messages[1], {
    role: 'assistant',
    content: [
      text('Checking both.'),
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} },
    ],
  });
  assert.deepEqual(body.messages[2], {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'call_a', content: 'sunny' },
      { type: 'tool_result', tool_use_id: 'call_b', content: 'noon' },
      text('Thanks, and tomorrow?'),
    ],
  });
});

test('tool call ids Anthropic would reject are rewritten the same way in tool_use and tool_result', () => {
  const body = encode(
    chatRequest({
      messages: [
        user('x'),
        { role: 'assistant', content: [], toolCalls: [{ id: 'call.1:a', name: 'f', arguments: '{}' }, { id: 'call.1:b', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call.1:a', content: [text('1')] },
        { role: 'tool', toolCallId: 'call.1:b', content: [text('2')] },
      ],
    }),
  );
  const uses = body.messages[1]?.content.map((b) => b['id'] as string) ?? [];
  const results = body.messages[2]?.content.map((b) => b['tool_use_id'] as string) ?? [];
  assert.deepEqual(results, uses);
  assert.notEqual(uses[0], uses[1]);
  for (const id of uses) assert.match(id, /^[a-zA-Z0-9_-]+$/);
});

test('tool call arguments that are not a JSON object are refused for Anthropic, naming the place', () => {
  const req = chatRequest({ messages: [user('x'), { role: 'assistant', content: [], toolCalls: [{ id: 'c', name: 'f', arguments: '[1,2' }] }] });
  assert.throws(() => encode(req), (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'messages[1].tool_calls[0].function.arguments');
});

test('images: data: URLs become base64 sources, https URLs url sources; detail is a listed hint', () => {
  const req = chatRequest({
    messages: [
      {
        role: 'user',
        content: [
          text('What is this?'),
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'image', url: 'https://example.com/cat.jpg', detail: 'high' },
        ],
      },
    ],
  });
  const out = encodeAnthropicChat(req, ENDPOINT, MODEL);
  const body = JSON.parse(out.request.body ?? '') as Body;
  assert.deepEqual(body.messages[0]?.content.slice(1), [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
  ]);
  assert.deepEqual(out.ignored, ['messages[0].content[2].image_url.detail']);
  const tiff = chatRequest({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/tiff;base64,AAAA' }] }] });
  assert.throws(() => encode(tiff), (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'messages[0].content[0]');
});

test('tools become input_schema tools; tool_choice and parallel_tool_calls map to Anthropic', () => {
  const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }];
  const body = encode(chatRequest({ tools }));
  assert.deepEqual(body['tools'], [{ name: 'get_weather', description: 'Weather', input_schema: tools[0]?.parameters, strict: true }]);
  assert.deepEqual(encode(chatRequest({ tools: [{ name: 'f', strict: false }] }))['tools'], [{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
  const cases: [Partial<ChatRequest>, unknown][] = [
    [{ toolChoice: 'auto' }, { type: 'auto' }],
    [{ toolChoice: 'required' }, { type: 'any' }],
    [{ toolChoice: 'none' }, { type: 'none' }],
    [{ toolChoice: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
    [{ parallelToolCalls: false }, { type: 'auto', disable_parallel_tool_use: true }],
    [{ toolChoice: 'required', parallelToolCalls: false }, { type: 'any', disable_parallel_tool_use: true }],
    [{ toolChoice: { name: 'get_weather' }, parallelToolCalls: false }, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }],
    [{ parallelToolCalls: true }, undefined],
    [{}, undefined],
  ];
  for (const [fields, expected] of cases) assert.deepEqual(encode(chatRequest({ tools, ...fields }))['tool_choice'], expected, JSON.stringify(fields));
  const noTools = encode(chatRequest({ toolChoice: 'none' }));
  assert.equal(noTools['tool_choice'], undefined);
  assert.equal(noTools['tools'], undefined);
});

test('stop → stop_sequences; temperature and top_p pass through; stream is set', () => {
  const body = encode(chatRequest({ stop: ['END', '##'], temperature: 0.7, topP: 0.9, stream: true, streamIncludeUsage: true }));
  assert.deepEqual(body['stop_sequences'], ['END', '##']);
  assert.equal(body['temperature'], 0.7);
  assert.equal(body['top_p'], 0.9);
  assert.equal(body['stream'], true);
  assert.equal(body['stream_options'], undefined);
});

test(`max_tokens: the request's cap, else the default ${DEFAULT_MAX_TOKENS}, reported`, () => {
  const explicit = encodeAnthropicChat(chatRequest({ maxOutputTokens: 300 }), ENDPOINT, MODEL);
  assert.equal((JSON.parse(explicit.request.body ?? '') as Body)['max_tokens'], 300);
  assert.equal(explicit.defaultedMaxTokens, undefined);
  const defaulted = encodeAnthropicChat(chatRequest({}), ENDPOINT, MODEL);
  assert.equal((JSON.parse(defaulted.request.body ?? '') as Body)['max_tokens'], DEFAULT_MAX_TOKENS);
  assert.equal(defaulted.defaultedMaxTokens, DEFAULT_MAX_TOKENS);
  const configured = encodeAnthropicChat(chatRequest({}), ENDPOINT, MODEL, { defaultMaxTokens: 1000 });
  assert.equal(configured.defaultedMaxTokens, 1000);
});

test('temperature above 1 is refused (Anthropic is 0–1), never clamped; dropping it is allowed', () => {
  assert.throws(() => encode(chatRequest({ temperature: 1.5 })), (e: unknown) => {
    assert.ok(e instanceof UnsupportedParameterError);
    assert.equal(e.param, 'temperature');
    assert.equal(e.status, 400);
    assert.equal(e.code, 'unsupported_parameter');
    assert.match(e.message, new RegExp(TARGET));
    return true;
  });
  const out = encodeAnthropicChat(chatRequest({ temperature: 1.5 }), ENDPOINT, MODEL, { dropParams: new Set(['temperature']) });
  assert.deepEqual(out.dropped, ['temperature']);
  assert.equal((JSON.parse(out.request.body ?? '') as Body)['temperature'], undefined);
  assert.equal(encode(chatRequest({ temperature: 1 }))['temperature'], 1);
});

test('response_format json_schema → output_config.format', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
  const body = encode(chatRequest({ responseFormat: { type: 'json_schema', name: 'out', schema, strict: true } }));
  assert.deepEqual(body['output_config'], { format: { type: 'json_schema', schema } });
  assert.equal(encode(chatRequest({ responseFormat: { type: 'text' } }))['output_config'], undefined);
});

test('reasoning_effort → adaptive thinking with output_config.effort; none → thinking disabled', () => {
  const cases: [string, unknown, unknown][] = [
    ['none', { type: 'disabled' }, undefined],
    ['minimal', { type: 'adaptive' }, { effort: 'low' }],
    ['low', { type: 'adaptive' }, { effort: 'low' }],
    ['medium', { type: 'adaptive' }, { effort: 'medium' }],
    ['high', { type: 'adaptive' }, { effort: 'high' }],
    ['xhigh', { type: 'adaptive' }, { effort: 'xhigh' }],
    ['max', { type: 'adaptive' }, { effort: 'max' }],
  ];
  for (const [effort, thinking, output] of cases) {
    const body = encode(chatRequest({ reasoningEffort: effort }));
    assert.deepEqual(body['thinking'], thinking, effort);
    assert.deepEqual(body['output_config'], output, effort);
  }
  const both = encode(chatRequest({ reasoningEffort: 'high', responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } } }));
  assert.deepEqual(both['output_config'], { effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } });
  assert.throws(() => encode(chatRequest({ reasoningEffort: 'extreme' })), (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'reasoning_effort');
});

test('user → metadata.user_id (safety_identifier wins when both are sent)', () => {
  assert.deepEqual(encode(chatRequest({ user: 'u-1' }))['metadata'], { user_id: 'u-1' });
  assert.deepEqual(encode(chatRequest({ user: 'u-1' }, { safety_identifier: 'hash-9' }))['metadata'], { user_id: 'hash-9' });
  assert.equal(encode(chatRequest({}))['metadata'], undefined);
});

// R7: one test per parameter Anthropic cannot honour.
const UNSUPPORTED: [name: string, req: ChatRequest, param: string][] = [
  ['n > 1', chatRequest({ n: 2 }, { n: 2 }), 'n'],
  ['logprobs', chatRequest({ logprobs: true }, { logprobs: true }), 'logprobs'],
  ['top_logprobs', chatRequest({ topLogprobs: 3 }, { top_logprobs: 3 }), 'top_logprobs'],
  ['seed', chatRequest({ seed: 42 }, { seed: 42 }), 'seed'],
  ['frequency_penalty (read from the OpenAI body)', chatRequest({}, { frequency_penalty: 0.5 }), 'frequency_penalty'],
  ['presence_penalty (read from the OpenAI body)', chatRequest({}, { presence_penalty: -1 }), 'presence_penalty'],
  ['frequency_penalty (canonical field)', chatRequest({ frequencyPenalty: 1 }), 'frequency_penalty'],
  ['logit_bias (read from the OpenAI body)', chatRequest({}, { logit_bias: { '50256': -100 } }), 'logit_bias'],
  ['response_format json_object (no schema)', chatRequest({ responseFormat: { type: 'json_object' } }), 'response_format'],
  ['an input_audio part', chatRequest({ messages: [{ role: 'user', content: [text('hi'), { type: 'opaque', wireType: 'input_audio' }] }] }), 'messages[0].content[1]'],
  ['a file part', chatRequest({ messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'file' }] }] }), 'messages[0].content[0]'],
  ['an image in a system message', chatRequest({ messages: [{ role: 'system', content: [{ type: 'image', url: 'https://x/y.png' }] }, user('x')] }), 'messages[0].content[0]'],
  ['deprecated functions', chatRequest({}, { functions: [{ name: 'f' }] }), 'functions'],
  ['audio output', chatRequest({}, { modalities: ['text', 'audio'] }), 'modalities'],
  ['predicted outputs', chatRequest({}, { prediction: { type: 'content', content: 'x' } }), 'prediction'],
  ['service_tier flex', chatRequest({}, { service_tier: 'flex' }), 'service_tier'],
];

for (const [name, req, param] of UNSUPPORTED) {
  test(`R7: ${name} is refused with 400 unsupported_parameter naming '${param}' and the target`, () => {
    assert.throws(() => encode(req), (e: unknown) => {
      assert.ok(e instanceof UnsupportedParameterError, String(e));
      assert.equal(e.code, 'unsupported_parameter');
      assert.equal(e.status, 400);
      assert.equal(e.param, param);
      assert.equal(e.details['target'], TARGET);
      return true;
    });
  });
}

test('R7: parameters listed in dropParams are dropped, and exactly those are reported', () => {
  const req = chatRequest(
    {
      n: 3,
      logprobs: true,
      seed: 7,
      messages: [{ role: 'user', content: [text('hi'), { type: 'opaque', wireType: 'input_audio' }] }],
      responseFormat: { type: 'json_object' },
    },
    { n: 3, logprobs: true, seed: 7, frequency_penalty: 0.2, logit_bias: { '1': 5 } },
  );
  const dropParams = new Set(['n', 'logprobs', 'seed', 'frequency_penalty', 'logit_bias', 'input_audio', 'response_format', 'temperature']);
  const out = encodeAnthropicChat(req, ENDPOINT, MODEL, { dropParams });
  assert.deepEqual([...out.dropped].sort(), ['frequency_penalty', 'input_audio', 'logit_bias', 'logprobs', 'n', 'response_format', 'seed']);
  const body = JSON.parse(out.request.body ?? '') as Body;
  assert.deepEqual(body.messages[0]?.content, [text('hi')]);
  assert.equal(body['output_config'], undefined);
  // Dropping one parameter does not excuse another.
  assert.throws(() => encodeAnthropicChat(req, ENDPOINT, MODEL, { dropParams: new Set(['n']) }), UnsupportedParameterError);
});

test('zero penalties, logprobs:false, empty logit_bias and n:1 are honoured as-is (nothing to refuse)', () => {
  const req = chatRequest({ n: 1, logprobs: false }, { frequency_penalty: 0, presence_penalty: 0, logit_bias: {}, n: 1, logprobs: false });
  const out = encodeAnthropicChat(req, ENDPOINT, MODEL);
  assert.deepEqual(out.dropped, []);
});

test('pure hints with no equivalent (store, metadata, prompt_cache_key, message name) are left out and listed', () => {
  const req = chatRequest({ messages: [{ role: 'user', content: [text('x')], name: 'alice' }] }, { store: true, metadata: { a: 'b' }, prompt_cache_key: 'k' });
  const out = encodeAnthropicChat(req, ENDPOINT, MODEL);
  assert.deepEqual([...out.ignored].sort(), ['messages[0].name', 'metadata', 'prompt_cache_key', 'store']);
  const body = JSON.parse(out.request.body ?? '') as Body;
  for (const k of ['store', 'metadata', 'prompt_cache_key']) assert.equal(body[k], undefined);
});

test('C1: the same request encodes to the same bytes, in a fixed key order, whatever the client key order', () => {
  const a = chatRequest({ temperature: 0.5, stop: ['x'], maxOutputTokens: 10, messages: [{ role: 'system', content: [text('s')] }, user('u')] });
  const b = chatRequest({ messages: [{ role: 'system', content: [text('s')] }, user('u')], maxOutputTokens: 10, stop: ['x'], temperature: 0.5 });
  const first = encodeAnthropicChat(a, ENDPOINT, MODEL).request.body;
  assert.equal(encodeAnthropicChat(a, ENDPOINT, MODEL).request.body, first);
  assert.equal(encodeAnthropicChat(b, ENDPOINT, MODEL).request.body, first);
  assert.deepEqual(Object.keys(JSON.parse(first ?? '') as object), ['model', 'max_tokens', 'system', 'messages', 'stop_sequences', 'temperature']);
});

test('C1: cache_control on OpenAI content parts (OpenRouter convention) is kept on the Anthropic block', () => {
  const req = chatRequest(
    { messages: [{ role: 'system', content: [text('long system prompt')] }, { role: 'user', content: [text('doc'), text('question')] }] },
    {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'long system prompt', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        { role: 'user', content: [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'question' }] },
      ],
    },
  );
  const body = encode(req);
  assert.deepEqual(body['system'], [{ type: 'text', text: 'long system prompt', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
  assert.deepEqual(body.messages[0]?.content, [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }, text('question')]);
});

test('assistant reasoning (thinking + signature) is sent back first in its turn', () => {
  const body = encode(
    chatRequest({
      messages: [
        user('q'),
        {
          role: 'assistant',
          content: [],
          reasoning: [{ type: 'thinking', text: 'hmm', signature: 'sig' }, { type: 'redacted', data: 'opaque' }],
          toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'c1', content: [text('r')] },
      ],
    }),
  );
  assert.deepEqual(body.messages[1]?.content.map((b) => b['type']), ['thinking', 'redacted_thinking', 'tool_use']);
  assert.deepEqual(body.messages[1]?.content[0], { type: 'thinking', thinking: 'hmm', signature: 'sig' });
  const unsigned = encodeAnthropicChat(
    chatRequest({ messages: [user('q'), { role: 'assistant', content: [text('a')], reasoning: [{ type: 'thinking', text: 'from another provider' }] }, user('b')] }),
    ENDPOINT,
    MODEL,
  );
  assert.deepEqual((JSON.parse(unsigned.request.body ?? '') as Body).messages[1]?.content, [text('a')]);
  assert.deepEqual(unsigned.ignored, ['messages[1].reasoning']);
});

test('empty assistant text next to tool calls is not sent as an (invalid) empty text block', () => {
  const body = encode(
    chatRequest({
      messages: [user('q'), { role: 'assistant', content: [text('')], toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] }, { role: 'tool', toolCallId: 'c1', content: [] }],
    }),
  );
  assert.deepEqual(body.messages[1]?.content.map((b) => b['type']), ['tool_use']);
  assert.deepEqual(body.messages[2]?.content, [{ type: 'tool_result', tool_use_id: 'c1' }]);
});
