import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import { encodeCohereChat } from './encode.js';
import { chatRequest, ENDPOINT, MODEL, TARGET } from './test-fixtures.js';

type Body = Record<string, unknown> & { messages: Record<string, unknown>[] };

function encode(req: ChatRequest, dropParams?: string[]): { body: Body; dropped: readonly string[]; ignored: readonly string[] } {
  const e = encodeCohereChat(req, ENDPOINT, MODEL, dropParams ? { dropParams: new Set(dropParams) } : {});
  return { body: JSON.parse(e.request.body ?? '') as Body, dropped: e.dropped, ignored: e.ignored };
}

function refused(req: ChatRequest, param: string): void {
  assert.throws(
    () => encodeCohereChat(req, ENDPOINT, MODEL),
    (e: unknown) => e instanceof UnsupportedParameterError && e.param === param && e.details['target'] === TARGET,
  );
}

const TOOLS = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

test('POST {basePath}/chat with a Bearer key, the model, and stream only when streaming', () => {
  const e = encodeCohereChat(chatRequest({ stream: true }), ENDPOINT, MODEL);
  assert.equal(e.request.method, 'POST');
  assert.equal(e.request.path, '/v2/chat');
  assert.equal(e.request.headers['authorization'], 'Bearer co-test');
  const body = JSON.parse(e.request.body ?? '') as Body;
  assert.equal(body['model'], MODEL);
  assert.equal(body['stream'], true);
  assert.equal(encode(chatRequest({})).body['stream'], undefined);
});

test('messages: system and developer → system; user text and images; assistant text and tool calls; tool results', () => {
  const { body, ignored } = encode(
    chatRequest({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', url: 'https://x.test/a.png', detail: 'low' }], name: 'ann' },
        {
          role: 'assistant',
          content: [],
          reasoning: [{ type: 'thinking', text: 'hmm', signature: 'sig' }],
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }], isError: true },
        { role: 'assistant', content: [{ type: 'text', text: 'It is sunny.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
      tools: TOOLS,
    }),
  );
  assert.deepEqual(body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'system', content: 'Use tools.' },
    { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } }] },
    { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    { role: 'assistant', content: 'It is sunny.' },
    { role: 'user', content: 'Thanks' },
  ]);
  assert.deepEqual(ignored, ['messages[2].name', 'messages[3].reasoning', 'messages[4].is_error']);
});

test('tools and tool_choice: required → REQUIRED, none → NONE, auto → omitted; strict on any tool → strict_tools', () => {
  const tools = encode(chatRequest({ tools: [...TOOLS, { name: 'get_time', strict: true }] })).body;
  assert.deepEqual(tools['tools'], [
    { type: 'function', function: { name: 'get_weather', parameters: TOOLS[0]?.parameters } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ]);
  assert.equal(tools['strict_tools'], true);
  assert.equal(encode(chatRequest({ tools: TOOLS, toolChoice: 'required' })).body['tool_choice'], 'REQUIRED');
  assert.equal(encode(chatRequest({ tools: TOOLS, toolChoice: 'none' })).body['tool_choice'], 'NONE');
  assert.equal(encode(chatRequest({ tools: TOOLS, toolChoice: 'auto' })).body['tool_choice'], undefined);
  assert.equal(encode(chatRequest({ toolChoice: 'none' })).body['tool_choice'], undefined);
});

test('R7: a named tool_choice is refused (Cohere has none) — or dropped and reported when allowed', () => {
  refused(chatRequest({ tools: TOOLS, toolChoice: { name: 'get_weather' } }), 'tool_choice');
  const { body, dropped } = encode(chatRequest({ tools: TOOLS, toolChoice: { name: 'get_weather' } }), ['tool_choice']);
  assert.deepEqual(dropped, ['tool_choice']);
  assert.equal(body['tool_choice'], undefined);
});

test('response_format: json_object, and json_schema as json_object with its schema', () => {
  assert.deepEqual(encode(chatRequest({ responseFormat: { type: 'json_object' } })).body['response_format'], { type: 'json_object' });
  const schema = { type: 'object', properties: { a: { type: 'string' } } };
  assert.deepEqual(encode(chatRequest({ responseFormat: { type: 'json_schema', name: 'x', schema } })).body['response_format'], { type: 'json_object', json_schema: schema });
  assert.equal(encode(chatRequest({ responseFormat: { type: 'text' } })).body['response_format'], undefined);
});

test('sampling parameters take Cohere names: max_tokens, stop_sequences, p, k, seed, penalties, logprobs', () => {
  const { body } = encode(
    chatRequest({ maxOutputTokens: 50, stop: ['END'], temperature: 0.4, topP: 0.9, topK: 40, seed: 7, logprobs: true }, { frequency_penalty: 0.5, presence_penalty: 0.25 }),
  );
  assert.deepEqual(
    { ...body, messages: undefined },
    { model: MODEL, messages: undefined, max_tokens: 50, stop_sequences: ['END'], temperature: 0.4, p: 0.9, k: 40, seed: 7, frequency_penalty: 0.5, presence_penalty: 0.25, logprobs: true },
  );
});

test('top_p 1 ("no cut") is sent as 0.99, the widest Cohere allows', () => {
  assert.equal(encode(chatRequest({ topP: 1 })).body['p'], 0.99);
});

test('reasoning: a budget → thinking enabled with it; an effort → the documented budget; none → disabled', () => {
  assert.deepEqual(encode(chatRequest({ reasoningBudgetTokens: 3000 })).body['thinking'], { type: 'enabled', token_budget: 3000 });
  assert.deepEqual(encode(chatRequest({ reasoningEffort: 'medium' })).body['thinking'], { type: 'enabled', token_budget: 8192 });
  assert.deepEqual(encode(chatRequest({ reasoningEffort: 'none' })).body['thinking'], { type: 'disabled' });
  refused(chatRequest({ reasoningEffort: 'max' }), 'reasoning_effort');
});

for (const [name, req, param] of [
  ['n > 1', chatRequest({ n: 2 }), 'n'],
  ['top_logprobs', chatRequest({ logprobs: true, topLogprobs: 2 }), 'top_logprobs'],
  ['logit_bias', chatRequest({}, { logit_bias: { '42': 10 } }), 'logit_bias'],
  ['a negative presence_penalty', chatRequest({ presencePenalty: -1 }), 'presence_penalty'],
  ['a frequency_penalty above 1', chatRequest({}, { frequency_penalty: 1.5 }), 'frequency_penalty'],
  ['top_p below 0.01', chatRequest({ topP: 0.001 }), 'top_p'],
  ['top_k above 500', chatRequest({ topK: 501 }), 'top_k'],
  ['six stop sequences', chatRequest({ stop: ['1', '2', '3', '4', '5', '6'] }), 'stop'],
  [
    'six stop_sequences from an Anthropic client',
    { ...chatRequest({ stop: ['1', '2', '3', '4', '5', '6'] }), source: { wire: 'anthropic-messages' as const, body: {} } },
    'stop_sequences',
  ],
  ['parallel_tool_calls: false', chatRequest({ tools: TOOLS, parallelToolCalls: false }), 'parallel_tool_calls'],
  ["tool_choice 'required' without tools", chatRequest({ toolChoice: 'required' }), 'tool_choice'],
  ['an audio part', chatRequest({ messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }), 'messages[0].content[0]'],
  ['an image in a tool result', chatRequest({ messages: [{ role: 'tool', toolCallId: 'c', content: [{ type: 'image', url: 'https://x.test/a.png' }] }] }), 'messages[0].content[0]'],
  ['a server tool', chatRequest({ opaqueTools: ['web_search_20250305'] }), 'tools'],
  ['audio output', chatRequest({}, { modalities: ['text', 'audio'], audio: { voice: 'x' } }), 'audio'],
  ["service_tier 'flex'", chatRequest({}, { service_tier: 'flex' }), 'service_tier'],
] as const) {
  test(`R7: ${name} is refused naming '${param}' and the target`, () => refused(req, param));
}

test('hints without a Cohere slot are left out and listed, not refused', () => {
  const { body, ignored } = encode(chatRequest({ user: 'u1', metadata: { a: 'b' } }, { store: true, metadata: { a: 'b' }, prompt_cache_key: 'k', service_tier: 'auto' }));
  assert.deepEqual(ignored, ['store', 'metadata', 'prompt_cache_key', 'service_tier', 'user']);
  for (const k of ['user', 'metadata', 'store', 'prompt_cache_key', 'service_tier']) assert.equal(body[k], undefined);
});

test('stable bytes: the key order is fixed and the frozen request is untouched', () => {
  const req = chatRequest({ tools: TOOLS, toolChoice: 'required', maxOutputTokens: 9, temperature: 0.1, stream: true });
  const a = encodeCohereChat(req, ENDPOINT, MODEL).request.body;
  assert.equal(a, encodeCohereChat(req, ENDPOINT, MODEL).request.body);
  assert.deepEqual(Object.keys(JSON.parse(a ?? '') as object), ['model', 'messages', 'tools', 'tool_choice', 'max_tokens', 'temperature', 'stream']);
});

test('several text blocks in a turn stay several parts (their words are never glued together); one stays a string', () => {
  const two = [{ type: 'text' as const, text: 'ctx' }, { type: 'text' as const, text: 'q' }];
  const { body } = encode(
    chatRequest({
      messages: [
        { role: 'system', content: two },
        { role: 'user', content: two },
        { role: 'assistant', content: two },
        { role: 'user', content: [{ type: 'text', text: 'one' }] },
      ],
    }),
  );
  const parts = [{ type: 'text', text: 'ctx' }, { type: 'text', text: 'q' }];
  assert.deepEqual(body.messages.map((m) => m['content']), [parts, parts, parts, 'one']);
});
