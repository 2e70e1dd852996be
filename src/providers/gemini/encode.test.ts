import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, ChatRequest } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import type { ChatEncodeOptions } from '../types.js';
import { encodeGeminiChat } from './encode.js';
import { VertexEndpointError } from './endpoint.js';
import { chatRequest, ENDPOINT, MODEL, VERTEX_ENDPOINT } from './test-fixtures.js';

type Part = Record<string, unknown>;
type Body = Record<string, unknown> & {
  contents: { role: string; parts: Part[] }[];
  generationConfig?: Record<string, unknown>;
  toolConfig?: { functionCallingConfig: Record<string, unknown> };
};

function encode(req: ChatRequest, opts?: ChatEncodeOptions, flavor: 'gemini' | 'vertex' = 'gemini'): Body {
  return JSON.parse(encodeGeminiChat(flavor, req, flavor === 'gemini' ? ENDPOINT : VERTEX_ENDPOINT, MODEL, opts).request.body ?? '') as Body;
}

const text = (t: string) => ({ type: 'text' as const, text: t });
const user = (t: string): ChatMessage => ({ role: 'user', content: [text(t)] });
const refusedAt = (param: string) => (e: unknown) => e instanceof UnsupportedParameterError && e.param === param;

test('AI Studio: POST {basePath}/models/{m}:generateContent with x-goog-api-key; streams ask for alt=sse', () => {
  const { request } = encodeGeminiChat('gemini', chatRequest({}), ENDPOINT, MODEL);
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.equal(request.headers['x-goog-api-key'], 'AIza-test');
  assert.equal(request.headers['authorization'], undefined);
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(encodeGeminiChat('gemini', chatRequest({ stream: true }), ENDPOINT, MODEL).request.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  assert.equal(encodeGeminiChat('gemini', chatRequest({}), ENDPOINT, 'tunedModels/mine').request.path, '/v1beta/tunedModels/mine:generateContent');
});

test('Vertex: POST {basePath}/projects/{p}/locations/{l}/publishers/google/models/{m}:… with a Bearer token', () => {
  const { request } = encodeGeminiChat('vertex', chatRequest({ stream: true }), VERTEX_ENDPOINT, MODEL);
  assert.equal(request.path, '/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  assert.equal(request.headers['authorization'], 'Bearer ya29.token');
  assert.equal(request.headers['x-goog-api-key'], undefined);
  const tuned = 'projects/my-project/locations/europe-west4/endpoints/123';
  assert.equal(encodeGeminiChat('vertex', chatRequest({}), VERTEX_ENDPOINT, tuned).request.path, `/v1/${tuned}:generateContent`);
});

test('Vertex without a project or a location is a typed configuration error naming what is missing', () => {
  assert.throws(() => encodeGeminiChat('vertex', chatRequest({}), { ...VERTEX_ENDPOINT, project: undefined }, MODEL), (e: unknown) => e instanceof VertexEndpointError && e.code === 'provider_misconfigured' && /project/.test(e.message));
  assert.throws(() => encodeGeminiChat('vertex', chatRequest({}), { ...VERTEX_ENDPOINT, region: undefined }, MODEL), (e: unknown) => e instanceof VertexEndpointError && /location/.test(e.message));
});

test('system and developer messages become systemInstruction parts in order; roles are user and model', () => {
  const body = encode(
    chatRequest({
      messages: [{ role: 'system', content: [text('Be brief.')] }, user('Hi'), { role: 'developer', content: [text('In French.')] }, { role: 'assistant', content: [text('Salut')] }, user('Again')],
    }),
  );
  assert.deepEqual(body['systemInstruction'], { parts: [{ text: 'Be brief.' }, { text: 'In French.' }] });
  assert.deepEqual(body.contents, [
    { role: 'user', parts: [{ text: 'Hi' }] },
    { role: 'model', parts: [{ text: 'Salut' }] },
    { role: 'user', parts: [{ text: 'Again' }] },
  ]);
});

test('tool calls become functionCall parts (id kept, args an object); results become functionResponse parts named after their call, merged into one user turn', () => {
  const body = encode(
    chatRequest({
      messages: [
        user('Weather and time?'),
        {
          role: 'assistant',
          content: [text('Checking.')],
          toolCalls: [
            { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call_b', name: 'get_time', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'call_b', content: [text('{"time":"12:00"}')] },
        { role: 'tool', toolCallId: 'call_a', content: [text('sunny')] },
        user('And tomorrow?'),
        { role: 'assistant', content: [], toolCalls: [{ id: 'call_c', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_c', content: [text('failed')], isError: true },
      ],
    }),
  );
  assert.deepEqual(body.contents, [
    { role: 'user', parts: [{ text: 'Weather and time?' }] },
    {
      role: 'model',
      parts: [{ text: 'Checking.' }, { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { id: 'call_b', name: 'get_time', args: {} } }],
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { id: 'call_b', name: 'get_time', response: { time: '12:00' } } },
        { functionResponse: { id: 'call_a', name: 'get_weather', response: { output: 'sunny' } } },
        { text: 'And tomorrow?' },
      ],
    },
    { role: 'model', parts: [{ functionCall: { id: 'call_c', name: 'get_weather', args: {} } }] },
    { role: 'user', parts: [{ functionResponse: { id: 'call_c', name: 'get_weather', response: { error: 'failed' } } }] },
  ]);
});

test('a tool result for a call no assistant made, or arguments that are not an object, are refused with their path', () => {
  assert.throws(() => encode(chatRequest({ messages: [user('Hi'), { role: 'tool', toolCallId: 'nope', content: [text('x')] }] })), (e: unknown) => e instanceof InvalidRequestError && e.param === 'messages[1].tool_call_id');
  const bad = chatRequest({ messages: [user('Hi'), { role: 'assistant', content: [], toolCalls: [{ id: 'c', name: 'f', arguments: '[1]' }] }] });
  assert.throws(() => encode(bad), refusedAt('messages[1].tool_calls[0].function.arguments'));
});

test('images: a data: URL becomes inlineData; an https URL reaching the adapter is refused naming the part', () => {
  const body = encode(chatRequest({ messages: [{ role: 'user', content: [text('What is it?'), { type: 'image', url: 'data:image/PNG;base64,iVBORw0KGgo=', detail: 'low' }] }] }));
  assert.deepEqual(body.contents[0]?.parts, [{ text: 'What is it?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }]);
  const remote = chatRequest({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }] });
  assert.throws(() => encode(remote, { dropParams: new Set(['image_url']) }), refusedAt('messages[0].content[0]'));
  const ignored = encodeGeminiChat('gemini', chatRequest({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AAAA', detail: 'high' }] }] }), ENDPOINT, MODEL).ignored;
  assert.deepEqual(ignored, ['messages[0].content[0].image_url.detail']);
});

test('images where Gemini takes none (system, tool results) and opaque parts are refused, or dropped when allowed', () => {
  const img = { type: 'image' as const, url: 'data:image/png;base64,AAAA' };
  const inSystem = chatRequest({ messages: [{ role: 'system', content: [img] }, user('Hi')] });
  assert.throws(() => encode(inSystem), refusedAt('messages[0].content[0]'));
  assert.deepEqual(encodeGeminiChat('gemini', inSystem, ENDPOINT, MODEL, { dropParams: new Set(['image_url']) }).dropped, ['image_url']);
  const audio = chatRequest({ messages: [{ role: 'user', content: [text('Listen'), { type: 'opaque', wireType: 'input_audio' }] }] });
  assert.throws(() => encode(audio), refusedAt('messages[0].content[1]'));
  const dropped = encodeGeminiChat('gemini', audio, ENDPOINT, MODEL, { dropParams: new Set(['input_audio']) });
  assert.deepEqual(dropped.dropped, ['input_audio']);
  assert.deepEqual((JSON.parse(dropped.request.body ?? '') as Body).contents[0]?.parts, [{ text: 'Listen' }]);
});

test('tools become functionDeclarations with parametersJsonSchema; strict is left out and listed', () => {
  const params = { type: 'object', properties: { city: { type: 'string' } } };
  const out = encodeGeminiChat('gemini', chatRequest({ tools: [{ name: 'get_weather', description: 'Weather', parameters: params, strict: true }, { name: 'ping' }] }), ENDPOINT, MODEL);
  const body = JSON.parse(out.request.body ?? '') as Body;
  assert.deepEqual(body['tools'], [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: params }, { name: 'ping' }] }]);
  assert.equal(body.toolConfig, undefined);
  assert.deepEqual(out.ignored, ['tools[0].function.strict']);
});

test('tool_choice: auto → AUTO, none → NONE, required → ANY, named → ANY + allowedFunctionNames', () => {
  const tools = [{ name: 'a' }, { name: 'b' }];
  const mode = (toolChoice: ChatRequest['toolChoice']) => encode(chatRequest({ tools, toolChoice })).toolConfig?.functionCallingConfig;
  assert.deepEqual(mode('auto'), { mode: 'AUTO' });
  assert.deepEqual(mode('none'), { mode: 'NONE' });
  assert.deepEqual(mode('required'), { mode: 'ANY' });
  assert.deepEqual(mode({ name: 'b' }), { mode: 'ANY', allowedFunctionNames: ['b'] });
  assert.equal(encode(chatRequest({ toolChoice: 'none' })).toolConfig, undefined);
});

test('sampling and output parameters map onto generationConfig', () => {
  const g = encode(
    chatRequest(
      { temperature: 1.5, topP: 0.9, topK: 40, maxOutputTokens: 300, stop: ['END'], n: 2, seed: 7, logprobs: true, topLogprobs: 3, responseFormat: { type: 'json_object' } },
      { presence_penalty: 0.5, frequency_penalty: 0 },
    ),
  ).generationConfig;
  assert.deepEqual(g, {
    stopSequences: ['END'],
    responseMimeType: 'application/json',
    candidateCount: 2,
    maxOutputTokens: 300,
    temperature: 1.5,
    topP: 0.9,
    topK: 40,
    seed: 7,
    presencePenalty: 0.5,
    responseLogprobs: true,
    logprobs: 3,
  });
  const schema = { type: 'object', properties: { a: { type: 'string' } } };
  const s = encode(chatRequest({ n: 1, frequencyPenalty: -1, responseFormat: { type: 'json_schema', name: 'x', schema, strict: true } })).generationConfig;
  assert.deepEqual(s, { responseMimeType: 'application/json', responseJsonSchema: schema, frequencyPenalty: -1 });
  assert.equal(encode(chatRequest({})).generationConfig, undefined);
});

test('reasoning effort becomes a thinking budget (documented table) with thoughts included; none turns thinking off; a budget is sent as is', () => {
  const thinking = (fields: Partial<ChatRequest>, body: Record<string, unknown> = {}, wire: 'openai-chat' | 'gemini-generate' = 'openai-chat') =>
    encode(chatRequest(fields, body, wire)).generationConfig?.['thinkingConfig'];
  assert.deepEqual(thinking({ reasoningEffort: 'minimal' }), { thinkingBudget: 512, includeThoughts: true });
  assert.deepEqual(thinking({ reasoningEffort: 'low' }), { thinkingBudget: 1024, includeThoughts: true });
  assert.deepEqual(thinking({ reasoningEffort: 'medium' }), { thinkingBudget: 8192, includeThoughts: true });
  assert.deepEqual(thinking({ reasoningEffort: 'high' }), { thinkingBudget: 24576, includeThoughts: true });
  assert.deepEqual(thinking({ reasoningEffort: 'none' }), { thinkingBudget: 0 });
  assert.deepEqual(thinking({ reasoningBudgetTokens: 2048 }), { thinkingBudget: 2048, includeThoughts: true });
  // A Gemini client that asked for no thoughts gets none.
  assert.deepEqual(thinking({ reasoningBudgetTokens: 2048 }, { generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: false } } }, 'gemini-generate'), {
    thinkingBudget: 2048,
    includeThoughts: false,
  });
});

test('reasoning round-trips: thoughts as thought parts, signatures on the functionCall parts (first on the first), else on the last text', () => {
  const withCalls = encode(
    chatRequest({
      messages: [
        user('Hi'),
        {
          role: 'assistant',
          content: [],
          reasoning: [{ type: 'thinking', text: 'Plan.', signature: 'c2lnLWE=' }, { type: 'redacted', data: 'xx' }],
          toolCalls: [
            { id: 'c1', name: 'f', arguments: '{}' },
            { id: 'c2', name: 'g', arguments: '{}' },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(withCalls.contents[1]?.parts, [
    { text: 'Plan.', thought: true },
    { functionCall: { id: 'c1', name: 'f', args: {} }, thoughtSignature: 'c2lnLWE=' },
    { functionCall: { id: 'c2', name: 'g', args: {} } },
  ]);
  const textOnly = encode(chatRequest({ messages: [user('Hi'), { role: 'assistant', content: [text('A'), text('B')], reasoning: [{ type: 'thinking', text: '', signature: 'c2ln' }] }, user('More')] }));
  assert.deepEqual(textOnly.contents[1]?.parts, [{ text: 'A' }, { text: 'B', thoughtSignature: 'c2ln' }]);
});

test('R7: logit_bias is refused or dropped; user and OpenAI hints are left out and listed', () => {
  const req = chatRequest({ user: 'u1' }, { logit_bias: { '42': 5 }, store: true, prompt_cache_key: 'k' });
  assert.throws(() => encode(req), refusedAt('logit_bias'));
  const out = encodeGeminiChat('gemini', req, ENDPOINT, MODEL, { dropParams: new Set(['logit_bias']) });
  assert.deepEqual(out.dropped, ['logit_bias']);
  assert.deepEqual(out.ignored, ['store', 'prompt_cache_key', 'user']);
  assert.throws(() => encode(chatRequest({ opaqueTools: ['web_search_20250305'] })), refusedAt('tools'));
  assert.throws(() => encode(chatRequest({}, { mcp_servers: [{}] }, 'anthropic-messages')), refusedAt('mcp_servers'));
});

test('service_tier maps to serviceTier; metadata becomes Vertex labels when valid, and is a listed hint otherwise', () => {
  assert.equal(encode(chatRequest({}, { service_tier: 'flex' }))['serviceTier'], 'flex');
  assert.equal(encode(chatRequest({}, { service_tier: 'default' }))['serviceTier'], 'standard');
  assert.equal(encode(chatRequest({}, { service_tier: 'auto' }))['serviceTier'], undefined);
  const metadata = { team: 'search', run: 'a-1' };
  assert.deepEqual(encode(chatRequest({ metadata }), undefined, 'vertex')['labels'], metadata);
  const gemini = encodeGeminiChat('gemini', chatRequest({ metadata }), ENDPOINT, MODEL);
  assert.equal((JSON.parse(gemini.request.body ?? '') as Body)['labels'], undefined);
  assert.deepEqual(gemini.ignored, ['metadata']);
  const invalid = encodeGeminiChat('vertex', chatRequest({ metadata: { Team: 'X Y' } }), VERTEX_ENDPOINT, MODEL);
  assert.deepEqual(invalid.ignored, ['metadata']);
});

test("a Gemini client's safetySettings and serviceTier are sent as they came", () => {
  const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
  const body = encode(chatRequest({}, { safetySettings, serviceTier: 'priority' }, 'gemini-generate'));
  assert.deepEqual(body['safetySettings'], safetySettings);
  assert.equal(body['serviceTier'], 'priority');
});
