import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import { encodeMistralChat } from './encode.js';
import { chatRequest, ENDPOINT, MODEL, TARGET } from './test-fixtures.js';
import { MistralToolIds } from './tool-ids.js';

type Body = Record<string, unknown> & { messages: Record<string, unknown>[] };

function encode(req: ChatRequest, dropParams?: string[]): { body: Body; dropped: readonly string[]; ignored: readonly string[] } {
  const e = encodeMistralChat(req, ENDPOINT, MODEL, dropParams ? { dropParams: new Set(dropParams) } : {});
  return { body: JSON.parse(e.request.body ?? '') as Body, dropped: e.dropped, ignored: e.ignored };
}

function refused(req: ChatRequest, param: string): void {
  assert.throws(
    () => encodeMistralChat(req, ENDPOINT, MODEL),
    (e: unknown) => e instanceof UnsupportedParameterError && e.param === param && e.details['target'] === TARGET,
  );
}

const TOOLS = [{ name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: true }];

test('POST {basePath}/chat/completions with a Bearer key; streams say stream:true and never stream_options', () => {
  const e = encodeMistralChat(chatRequest({ stream: true, streamIncludeUsage: true }), ENDPOINT, MODEL);
  assert.equal(e.request.path, '/v1/chat/completions');
  assert.equal(e.request.headers['authorization'], 'Bearer mistral-test');
  const body = JSON.parse(e.request.body ?? '') as Body;
  assert.equal(body['stream'], true);
  assert.equal('stream_options' in body, false);
});

test('messages: roles, image chunks, tool calls and results with 9-character ids, the tool name on results', () => {
  const req = chatRequest({
    messages: [
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', url: 'data:image/png;base64,AAAA' }], name: 'ann' },
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], reasoning: [{ type: 'thinking', text: 'hmm' }] },
      { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
    ],
  });
  const { body, ignored } = encode(req);
  const id = new MistralToolIds(req.messages).wire('call_1');
  assert.match(id, /^[a-zA-Z0-9]{9}$/);
  assert.deepEqual(body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    { role: 'assistant', tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: id, name: 'get_weather', content: 'sunny' },
  ]);
  assert.deepEqual(ignored, ['messages[1].name', 'messages[2].reasoning']);
});

test('a conversation ending with an assistant turn is a prefill: prefix true', () => {
  const { body } = encode(chatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }, { role: 'assistant', content: [{ type: 'text', text: 'Sure,' }] }] }));
  assert.deepEqual(body.messages.at(-1), { role: 'assistant', content: 'Sure,', prefix: true });
});

test('parameters with Mistral names: max_tokens, random_seed, any for required, stop, n, penalties, response_format', () => {
  const { body } = encode(
    chatRequest(
      { tools: TOOLS, toolChoice: 'required', parallelToolCalls: false, maxOutputTokens: 64, seed: 3, stop: ['END'], n: 2, temperature: 0.3, topP: 0.8, responseFormat: { type: 'json_object' } },
      { frequency_penalty: -0.5, presence_penalty: 0.5 },
    ),
  );
  assert.deepEqual({ ...body, messages: undefined }, {
    model: MODEL,
    messages: undefined,
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: true } }],
    tool_choice: 'any',
    parallel_tool_calls: false,
    response_format: { type: 'json_object' },
    stop: ['END'],
    temperature: 0.3,
    top_p: 0.8,
    max_tokens: 64,
    n: 2,
    random_seed: 3,
    frequency_penalty: -0.5,
    presence_penalty: 0.5,
  });
});

test('tool_choice: named → {type:function}, none, auto; json_schema; reasoning effort, a budget as the nearest effort', () => {
  assert.deepEqual(encode(chatRequest({ tools: TOOLS, toolChoice: { name: 'get_weather' } })).body['tool_choice'], { type: 'function', function: { name: 'get_weather' } });
  assert.equal(encode(chatRequest({ tools: TOOLS, toolChoice: 'none' })).body['tool_choice'], 'none');
  assert.equal(encode(chatRequest({ tools: TOOLS, toolChoice: 'auto' })).body['tool_choice'], 'auto');
  const schema = { type: 'object' };
  assert.deepEqual(encode(chatRequest({ responseFormat: { type: 'json_schema', name: 'x', schema, strict: true } })).body['response_format'], {
    type: 'json_schema',
    json_schema: { name: 'x', schema, strict: true },
  });
  assert.equal(encode(chatRequest({ reasoningEffort: 'high' })).body['reasoning_effort'], 'high');
  assert.equal(encode(chatRequest({ reasoningBudgetTokens: 1500 })).body['reasoning_effort'], 'low');
});

test('Mistral extras from the client body: prediction, metadata, prompt_cache_key, service_tier', () => {
  const { body } = encode(
    chatRequest({ metadata: { team: 'a' } }, { prediction: { type: 'content', content: 'draft' }, metadata: { team: 'a' }, prompt_cache_key: 'k1', service_tier: 'default' }),
  );
  assert.deepEqual(body['prediction'], { type: 'content', content: 'draft' });
  assert.deepEqual(body['metadata'], { team: 'a' });
  assert.equal(body['prompt_cache_key'], 'k1');
  assert.equal(body['service_tier'], 'standard_only');
});

for (const [name, req, param] of [
  ['logprobs', chatRequest({ logprobs: true }), 'logprobs'],
  ['top_logprobs', chatRequest({ topLogprobs: 1 }), 'top_logprobs'],
  ['logit_bias', chatRequest({}, { logit_bias: { '1': 5 } }), 'logit_bias'],
  ['top_k', chatRequest({ topK: 10 }), 'top_k'],
  ["reasoning_effort 'max'", chatRequest({ reasoningEffort: 'max' }), 'reasoning_effort'],
  ['audio output', chatRequest({}, { audio: { voice: 'x' } }), 'audio'],
  ['a prediction that is not plain content', chatRequest({}, { prediction: { type: 'content', content: [{ type: 'text', text: 'x' }] } }), 'prediction'],
  ["service_tier 'flex'", chatRequest({}, { service_tier: 'flex' }), 'service_tier'],
  ['an audio part', chatRequest({ messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }), 'messages[0].content[0]'],
  ['an image in a system message', chatRequest({ messages: [{ role: 'system', content: [{ type: 'image', url: 'https://x.test/a.png' }] }] }), 'messages[0].content[0]'],
  ['a server tool', chatRequest({ opaqueTools: ['web_search_20250305'] }), 'tools'],
  ["tool_choice 'required' without tools", chatRequest({ toolChoice: 'required' }), 'tool_choice'],
] as const) {
  test(`R7: ${name} is refused naming '${param}' and the target`, () => refused(req, param));
}

test('R7: dropped when the deployment allows it, and reported', () => {
  const { body, dropped } = encode(chatRequest({ logprobs: true, topK: 3 }), ['logprobs', 'top_k']);
  assert.deepEqual(dropped, ['logprobs', 'top_k']);
  assert.equal(body['logprobs'], undefined);
});

test('user and safety_identifier have no Mistral slot: left out and listed', () => {
  const { body, ignored } = encode(chatRequest({ user: 'u1' }, { user: 'u1', safety_identifier: 's', store: true }));
  assert.deepEqual(ignored, ['store', 'safety_identifier', 'user']);
  assert.equal(body['user'], undefined);
});

test('stable bytes: the same frozen request encodes to the same body, in a fixed key order', () => {
  const req = chatRequest({ tools: TOOLS, maxOutputTokens: 5, seed: 1, stream: true });
  const a = encodeMistralChat(req, ENDPOINT, MODEL).request.body;
  assert.equal(a, encodeMistralChat(req, ENDPOINT, MODEL).request.body);
  assert.deepEqual(Object.keys(JSON.parse(a ?? '') as object), ['model', 'messages', 'tools', 'max_tokens', 'random_seed', 'stream']);
});

test('several text blocks in a turn stay several chunks (their words are never glued together); one stays a string', () => {
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
  const chunks = [{ type: 'text', text: 'ctx' }, { type: 'text', text: 'q' }];
  assert.deepEqual(body.messages.map((m) => m['content']), [chunks, chunks, chunks, 'one']);
});
