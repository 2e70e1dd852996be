import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, ChatRequest } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import type { ChatEncodeOptions } from '../types.js';
import { deepFreeze } from '../../core/freeze.js';
import { BedrockAuthConfigError } from './auth.js';
import { encodeBedrockChat } from './encode.js';
import { BEARER_ENDPOINT, chatRequest, MODEL, SIGV4_ENDPOINT } from './test-fixtures.js';

type Block = Record<string, unknown>;
type Body = Record<string, unknown> & { messages: { role: string; content: Block[] }[] };

function encode(req: ChatRequest, opts?: ChatEncodeOptions, model = MODEL): Body {
  return JSON.parse(encodeBedrockChat(req, SIGV4_ENDPOINT, model, opts).request.body ?? '') as Body;
}

const text = (t: string) => ({ type: 'text' as const, text: t });
const user = (t: string): ChatMessage => ({ role: 'user', content: [text(t)] });
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function refuses(req: ChatRequest, param: string, model = MODEL): void {
  assert.throws(
    () => encodeBedrockChat(req, SIGV4_ENDPOINT, model),
    (e: unknown) => e instanceof UnsupportedParameterError && e.param === param && e.details['target'] === `bedrock/${model}`,
  );
}

test('posts to /model/{percent-encoded id}/converse or /converse-stream; the model and stream flag are not in the body', () => {
  const plain = encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, MODEL).request;
  assert.equal(plain.method, 'POST');
  assert.equal(plain.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
  assert.equal(plain.headers['content-type'], 'application/json');
  assert.equal(plain.headers['accept'], 'application/json');
  const streamed = encodeBedrockChat(chatRequest({ stream: true }), { ...SIGV4_ENDPOINT, basePath: '/proxy' }, MODEL).request;
  assert.equal(streamed.path, '/proxy/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream');
  assert.equal(streamed.headers['accept'], 'application/vnd.amazon.eventstream');
  const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
  assert.equal(
    encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, arn).request.path,
    '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse',
  );
  const body = encode(chatRequest({ stream: true }));
  assert.deepEqual(Object.keys(body), ['messages']);
});

test('auth: SigV4 endpoints get no Authorization at encode time; API-key endpoints get Bearer; neither is a typed config error', () => {
  assert.equal(encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, MODEL).request.headers['authorization'], undefined);
  assert.equal(encodeBedrockChat(chatRequest({}), BEARER_ENDPOINT, MODEL).request.headers['authorization'], 'Bearer bedrock-api-key-test');
  assert.throws(() => encodeBedrockChat(chatRequest({}), { ...BEARER_ENDPOINT, apiKey: undefined }, MODEL), (e: unknown) => e instanceof BedrockAuthConfigError && e.code === 'provider_misconfigured');
});

test('system and developer messages, wherever they are, become system blocks in order; turns alternate', () => {
  const body = encode(
    chatRequest({
      messages: [
        { role: 'system', content: [text('Be brief.')] },
        user('Hi'),
        { role: 'developer', content: [text('Answer in French.')] },
        user('Again'),
        { role: 'assistant', content: [text('Bonjour')] },
        user('Encore'),
      ],
    }),
  );
  assert.deepEqual(body['system'], [{ text: 'Be brief.' }, { text: 'Answer in French.' }]);
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ text: 'Hi' }, { text: 'Again' }] },
    { role: 'assistant', content: [{ text: 'Bonjour' }] },
    { role: 'user', content: [{ text: 'Encore' }] },
  ]);
});

test('a turn that encodes to no blocks is left out, and its neighbours merge so turns still alternate', () => {
  const body = encode(chatRequest({ messages: [user('Hi'), { role: 'assistant', content: [text('')] }, user('Again'), { role: 'user', content: [text('')] }] }));
  assert.deepEqual(body.messages, [{ role: 'user', content: [{ text: 'Hi' }, { text: 'Again' }] }]);
});

test('tool calls become toolUse blocks; their results one user turn of toolResult blocks, results first, errors marked', () => {
  const body = encode(
    chatRequest({
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [text('Checking.')],
          toolCalls: [
            { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call.2', name: 'get_weather', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: [text('sunny')] },
        { role: 'tool', toolCallId: 'call.2', content: [], isError: true },
        user('Thanks'),
      ],
    }),
  );
  const [, assistant, results] = body.messages;
  const rewritten = (assistant?.content[2] as { toolUse: { toolUseId: string } }).toolUse.toolUseId;
  assert.match(rewritten, /^tg_[0-9a-f]{40}$/);
  assert.deepEqual(assistant?.content, [
    { text: 'Checking.' },
    { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
    { toolUse: { toolUseId: rewritten, name: 'get_weather', input: {} } },
  ]);
  assert.deepEqual(results, {
    role: 'user',
    content: [
      { toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }] } },
      { toolResult: { toolUseId: rewritten, content: [], status: 'error' } },
      { text: 'Thanks' },
    ],
  });
  assert.throws(
    () => encode(chatRequest({ tools: [{ name: 'f' }], messages: [user('x'), { role: 'assistant', content: [], toolCalls: [{ id: 'c', name: 'f', arguments: '[1]' }] }] })),
    (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'messages[1].tool_calls[0].function.arguments',
  );
});

test('images: base64 data: URLs become image bytes; URLs, other media types and images outside user turns are refused', () => {
  const body = encode(chatRequest({ messages: [{ role: 'user', content: [text('Look'), { type: 'image', url: PNG }, { type: 'image', url: 'data:image/jpg;base64,/9j/' }] }] }));
  assert.deepEqual(body.messages[0]?.content, [
    { text: 'Look' },
    { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } },
    { image: { format: 'jpeg', source: { bytes: '/9j/' } } },
  ]);
  refuses(chatRequest({ messages: [{ role: 'user', content: [text('x'), { type: 'image', url: 'https://example.com/a.png' }] }] }), 'messages[0].content[1]');
  refuses(chatRequest({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/bmp;base64,Qk0=' }] }] }), 'messages[0].content[0]');
  refuses(chatRequest({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png,raw' }] }] }), 'messages[0].content[0]');
  refuses(chatRequest({ messages: [{ role: 'system', content: [{ type: 'image', url: PNG }] }, user('x')] }), 'messages[0].content[0]');
  const dropped = encodeBedrockChat(chatRequest({ messages: [{ role: 'user', content: [text('x'), { type: 'image', url: 'https://example.com/a.png' }] }] }), SIGV4_ENDPOINT, MODEL, {
    dropParams: new Set(['image_url']),
  });
  assert.deepEqual(dropped.dropped, ['image_url']);
});

test('tools → toolSpec with inputSchema.json; tool_choice auto/required/named → auto/any/tool', () => {
  const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }, { name: 'noop' }];
  const cfg = (toolChoice?: ChatRequest['toolChoice']) => encode(chatRequest({ tools, ...(toolChoice !== undefined ? { toolChoice } : {}) }))['toolConfig'];
  assert.deepEqual(cfg(), {
    tools: [
      { toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: tools[0]?.parameters }, strict: true } },
      { toolSpec: { name: 'noop', inputSchema: { json: { type: 'object', properties: {} } } } },
    ],
  });
  assert.deepEqual((cfg('auto') as Block)['toolChoice'], { auto: {} });
  assert.deepEqual((cfg('required') as Block)['toolChoice'], { any: {} });
  assert.deepEqual((cfg({ name: 'noop' }) as Block)['toolChoice'], { tool: { name: 'noop' } });
});

test("tool_choice 'none': no toolConfig; with tool calls in the history it cannot be honoured and is refused (dropped: tools kept)", () => {
  const tools = [{ name: 'get_weather' }];
  assert.equal(encode(chatRequest({ tools, toolChoice: 'none' }))['toolConfig'], undefined);
  const history = chatRequest({
    tools,
    toolChoice: 'none',
    messages: [user('Weather?'), { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{}' }] }, { role: 'tool', toolCallId: 'c1', content: [text('sunny')] }],
  });
  refuses(history, 'tool_choice');
  const out = encodeBedrockChat(history, SIGV4_ENDPOINT, MODEL, { dropParams: new Set(['tool_choice']) });
  assert.deepEqual(out.dropped, ['tool_choice']);
  assert.deepEqual(JSON.parse(out.request.body ?? '')['toolConfig'], { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: {} } } } }] });
  refuses(chatRequest({ messages: history.messages }), 'tools');
});

test('inferenceConfig: maxTokens, temperature, topP, stopSequences; temperature above 1 refused, never clamped', () => {
  const body = encode(chatRequest({ maxOutputTokens: 300, temperature: 0.3, topP: 0.9, stop: ['END', 'STOP'] }));
  assert.deepEqual(body['inferenceConfig'], { maxTokens: 300, temperature: 0.3, topP: 0.9, stopSequences: ['END', 'STOP'] });
  assert.equal(encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, MODEL).defaultedMaxTokens, undefined);
  refuses(chatRequest({ temperature: 1.5 }), 'temperature');
});

test('top_k and reasoning go in additionalModelRequestFields under Claude names, on Anthropic models only', () => {
  assert.deepEqual(encode(chatRequest({ topK: 40, reasoningBudgetTokens: 2048 }))['additionalModelRequestFields'], {
    top_k: 40,
    thinking: { type: 'enabled', budget_tokens: 2048 },
  });
  const effort = encode(chatRequest({ reasoningEffort: 'high' }));
  assert.deepEqual(effort['additionalModelRequestFields'], { thinking: { type: 'adaptive' } });
  assert.deepEqual(effort['outputConfig'], { effort: 'high' });
  assert.deepEqual(encode(chatRequest({ reasoningEffort: 'minimal' }))['outputConfig'], { effort: 'low' });
  assert.deepEqual(encode(chatRequest({ reasoningEffort: 'none' }))['additionalModelRequestFields'], { thinking: { type: 'disabled' } });
  refuses(chatRequest({ reasoningEffort: 'extreme' }), 'reasoning_effort');
  const nova = 'amazon.nova-pro-v1:0';
  refuses(chatRequest({ topK: 40 }), 'top_k', nova);
  refuses(chatRequest({ reasoningEffort: 'low' }), 'reasoning_effort', nova);
  refuses(chatRequest({ reasoningBudgetTokens: 2048 }), 'thinking', nova);
  assert.deepEqual(encode(chatRequest({ topK: 5 }), undefined, 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0')['additionalModelRequestFields'], { top_k: 5 });
});

test('json_schema → outputConfig.textFormat with the schema as a JSON string; json_object refused', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } } };
  const body = encode(
    chatRequest({ responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true } }, { response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'The answer', schema } } }),
  );
  assert.deepEqual(body['outputConfig'], {
    textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'answer', description: 'The answer' } } },
  });
  refuses(chatRequest({ responseFormat: { type: 'json_object' } }), 'response_format');
});

test('signed reasoning goes back as reasoningContent, first in the turn; redacted as redactedContent; unsigned is left out and listed', () => {
  const out = encodeBedrockChat(
    chatRequest({
      messages: [
        user('Hi'),
        {
          role: 'assistant',
          content: [text('Answer')],
          reasoning: [
            { type: 'thinking', text: 'hmm', signature: 'sig==' },
            { type: 'redacted', data: 'b3BhcXVl' },
            { type: 'thinking', text: 'unsigned' },
          ],
        },
        user('More'),
      ],
    }),
    SIGV4_ENDPOINT,
    MODEL,
  );
  const body = JSON.parse(out.request.body ?? '') as Body;
  assert.deepEqual(body.messages[1]?.content, [
    { reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig==' } } },
    { reasoningContent: { redactedContent: 'b3BhcXVl' } },
    { text: 'Answer' },
  ]);
  assert.deepEqual(out.ignored, ['messages[1].reasoning']);
});

test('R7: what Converse cannot express is refused naming the parameter — or dropped and reported when allowed', () => {
  const cases: [Partial<ChatRequest>, Record<string, unknown>, string][] = [
    [{ n: 2 }, {}, 'n'],
    [{ logprobs: true }, {}, 'logprobs'],
    [{ topLogprobs: 3 }, {}, 'top_logprobs'],
    [{ seed: 7 }, {}, 'seed'],
    [{ frequencyPenalty: 0.5 }, {}, 'frequency_penalty'],
    [{}, { presence_penalty: 0.5 }, 'presence_penalty'],
    [{ logitBias: true }, {}, 'logit_bias'],
    [{}, { prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{}, { modalities: ['text', 'audio'] }, 'modalities'],
    [{ opaqueTools: ['web_search_20250305'] }, {}, 'tools'],
    [{ tools: [{ name: 'f' }], parallelToolCalls: false }, {}, 'parallel_tool_calls'],
    [{}, { service_tier: 'scale' }, 'service_tier'],
  ];
  for (const [fields, src, param] of cases) {
    refuses(chatRequest(fields, src), param);
    const key = param === 'tools' ? 'web_search_20250305' : param;
    assert.deepEqual(encodeBedrockChat(chatRequest(fields, src), SIGV4_ENDPOINT, MODEL, { dropParams: new Set([key]) }).dropped, [key], param);
  }
  refuses(chatRequest({ messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }), 'messages[0].content[0]');
});

test('metadata → requestMetadata when it fits Bedrock rules; service_tier default/flex/priority → serviceTier; hints are listed', () => {
  const out = encodeBedrockChat(chatRequest({ metadata: { team: 'search', run: '42' }, user: 'u1' }, { service_tier: 'flex', store: true, user: 'u1' }), SIGV4_ENDPOINT, MODEL);
  const body = JSON.parse(out.request.body ?? '') as Body;
  assert.deepEqual(body['requestMetadata'], { team: 'search', run: '42' });
  assert.deepEqual(body['serviceTier'], { type: 'flex' });
  assert.deepEqual([...out.ignored].sort(), ['store', 'user']);
  const odd = encodeBedrockChat(chatRequest({ metadata: { note: 'ünïcode!' } }), SIGV4_ENDPOINT, MODEL);
  assert.equal(JSON.parse(odd.request.body ?? '')['requestMetadata'], undefined);
  assert.deepEqual(odd.ignored, ['metadata']);
});

test('C1: cache_control on a client part becomes a cachePoint after its block; bytes are stable and the request untouched', () => {
  const req = chatRequest(
    { messages: [{ role: 'system', content: [text('Long policy')] }, { role: 'user', content: [text('Doc'), text('Question')] }] },
    {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        { role: 'user', content: [{ type: 'text', text: 'Doc', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Question' }] },
      ],
    },
  );
  const body = encode(req);
  assert.deepEqual(body['system'], [{ text: 'Long policy' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
  assert.deepEqual(body.messages[0]?.content, [{ text: 'Doc' }, { cachePoint: { type: 'default' } }, { text: 'Question' }]);
  assert.deepEqual(encodeBedrockChat(req, SIGV4_ENDPOINT, MODEL), encodeBedrockChat(req, SIGV4_ENDPOINT, MODEL));
  assert.ok(Object.isFrozen(req.messages[1]));
});

/** A request as the Anthropic surface decodes it: breakpoints canonical, the body in `source`. */
function anthropicSourced(fields: Partial<Omit<ChatRequest, 'source'>>, body: Record<string, unknown> = {}): ChatRequest {
  const base = chatRequest(fields);
  return deepFreeze({ ...base, source: { wire: 'anthropic-messages' as const, body: { model: 'my-alias', max_tokens: 10, messages: [], ...body } } });
}

test('C1: breakpoints from Anthropic clients (system, text, image, tools, top-level cache_control) become cachePoints', () => {
  const req = anthropicSourced(
    {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Policy', cache: { ttl: '1h' } }] },
        { role: 'user', content: [{ type: 'image', url: PNG, cache: {} }, text('Question')] },
      ],
      tools: [{ name: 'a', parameters: { type: 'object' }, cache: {} }, { name: 'b', parameters: { type: 'object' } }],
    },
    { cache_control: { type: 'ephemeral', ttl: '5m' } },
  );
  const body = encode(req) as Body & { toolConfig: { tools: unknown[] } };
  assert.deepEqual(body['system'], [{ text: 'Policy' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
  assert.deepEqual(body.messages[0]?.content, [{ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }, { cachePoint: { type: 'default' } }, { text: 'Question' }, { cachePoint: { type: 'default', ttl: '5m' } }]);
  assert.deepEqual(body.toolConfig.tools.map((t) => Object.keys(t as object)[0]), ['toolSpec', 'cachePoint', 'toolSpec']);
});

test("R7: Anthropic's server-side features (mcp_servers, container, context_management) are refused, not dropped", () => {
  for (const key of ['mcp_servers', 'container', 'context_management']) {
    refuses(anthropicSourced({}, { [key]: key === 'mcp_servers' ? [{ type: 'url', url: 'https://x', name: 'x' }] : { x: 1 } }), key);
  }
});
