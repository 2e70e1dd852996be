// The OpenAI wire as a translator for clients on other wires: canonical encode (with refusals),
// chat.completion decode, and the chunk-stream event decoder, against the simulator's real bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ChatRequest } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import { GatewayError, UpstreamError, UpstreamUnavailableError } from '../../core/errors.js';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { startSimulatorProcess, type SimulatorProcess } from '../conformance/simulator-process.js';
import type { ProviderEndpoint, UpstreamRequest } from '../types.js';
import { decodeOpenAiChatResponse, encodeOpenAiChat, openAiProvider, openAiTranslatingProvider, OpenAiEventDecoder, type TranslatedUpstreamRequest } from './index.js';

const EP: ProviderEndpoint = { name: 'oa', basePath: '/v1', apiKey: 'sk-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} };

/** What decodeMessagesRequest (surfaces/anthropic-messages) produces for a tool-use conversation. */
function anthropicSourced(over: Partial<ChatRequest> = {}, body: Record<string, unknown> = {}): ChatRequest {
  return deepFreeze({
    model: 'alias',
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking' }],
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_b', name: 'get_time', arguments: '{}' },
        ],
        reasoning: [{ type: 'thinking', text: 'hmm', signature: 's' }],
      },
      { role: 'tool', toolCallId: 'toolu_a', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'tool', toolCallId: 'toolu_b', content: [{ type: 'text', text: '12:00' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ],
    stream: false,
    streamIncludeUsage: false,
    tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    toolChoice: 'required',
    parallelToolCalls: false,
    stop: ['END'],
    temperature: 0.5,
    topP: 0.9,
    maxOutputTokens: 100,
    user: 'u-1',
    responseFormat: { type: 'json_schema', name: 'output', schema: { type: 'object' }, strict: true },
    ...over,
    source: { wire: 'anthropic-messages', body: { model: 'alias', max_tokens: 100, messages: [], ...body } },
  } satisfies ChatRequest);
}

function translated(r: UpstreamRequest | TranslatedUpstreamRequest): TranslatedUpstreamRequest {
  assert.ok('request' in r, 'a translated request carries its EncodedChat fields');
  return r;
}

test('round trip: an Anthropic-sourced request becomes an OpenAI chat body', () => {
  const r = translated(encodeOpenAiChat(anthropicSourced(), EP, 'gpt-x', {}));
  assert.equal(r.path, '/v1/chat/completions');
  assert.equal(r.headers['authorization'], 'Bearer sk-test');
  assert.equal(r.request.body, r.body);
  assert.deepEqual(JSON.parse(r.body ?? ''), {
    model: 'gpt-x',
    messages: [
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      {
        role: 'assistant',
        content: 'Checking',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: 'sunny' },
      { role: 'tool', tool_call_id: 'toolu_b', content: '12:00' },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    tool_choice: 'required',
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } },
    stop: ['END'],
    temperature: 0.5,
    top_p: 0.9,
    max_completion_tokens: 100,
    user: 'u-1',
  });
  assert.deepEqual(r.dropped, []);
  assert.deepEqual(r.ignored, ['messages[2].reasoning']);
  assert.equal(r.defaultedMaxTokens, undefined);
});

test('streams ask for usage; thinking budgets become the nearest reasoning_effort', () => {
  const body = JSON.parse(translated(encodeOpenAiChat(anthropicSourced({ stream: true, streamIncludeUsage: true, reasoningBudgetTokens: 4000 }), EP, 'gpt-x')).body ?? '');
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(body.reasoning_effort, 'medium');
  const explicit = JSON.parse(translated(encodeOpenAiChat(anthropicSourced({ reasoningEffort: 'high', reasoningBudgetTokens: 1000 }), EP, 'gpt-x')).body ?? '');
  assert.equal(explicit.reasoning_effort, 'high');
});

test('several text blocks in a turn stay several parts (their words are never glued together); one stays a string', () => {
  const two = [{ type: 'text' as const, text: 'ctx' }, { type: 'text' as const, text: 'q' }];
  const req = anthropicSourced({ messages: [{ role: 'system', content: two }, { role: 'user', content: two }, { role: 'assistant', content: two }, { role: 'user', content: [{ type: 'text', text: 'one' }] }] });
  const body = JSON.parse(translated(encodeOpenAiChat(req, EP, 'gpt-x')).body ?? '') as { messages: { content: unknown }[] };
  const parts = [{ type: 'text', text: 'ctx' }, { type: 'text', text: 'q' }];
  assert.deepEqual(body.messages.map((m) => m.content), [parts, parts, parts, 'one']);
});

test('same wire is untouched: a plain UpstreamRequest with the client body renamed', () => {
  const req = deepFreeze({
    model: 'alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    stream: false,
    streamIncludeUsage: false,
    source: { wire: 'openai-chat', body: { messages: [{ role: 'user', content: 'Hi' }], model: 'alias', foo: 1 } },
  } satisfies ChatRequest);
  const r = openAiProvider.encodeChat(req, EP, 'gpt-x', { dropParams: new Set(['top_k']) });
  assert.ok(!('request' in r));
  assert.equal(r.body, '{"messages":[{"role":"user","content":"Hi"}],"model":"gpt-x","foo":1}');
  assert.ok(!('createEventDecoder' in openAiProvider), 'today the pipeline would treat the module as translating for every request');
  assert.ok('createEventDecoder' in openAiTranslatingProvider);
  assert.equal(openAiTranslatingProvider.encodeChat(anthropicSourced(), EP, 'gpt-x').request.path, '/v1/chat/completions');
});

test('refusals name the parameter and target; drop_params drops and reports', () => {
  const refuses = (req: ChatRequest, param: string): void =>
    assert.throws(
      () => encodeOpenAiChat(req, EP, 'gpt-x'),
      (e: unknown) => e instanceof GatewayError && e.code === 'unsupported_parameter' && e.status === 400 && e.param === param && e.details['target'] === 'openai/gpt-x',
      param,
    );
  refuses(anthropicSourced({ topK: 5 }), 'top_k');
  refuses(anthropicSourced({ opaqueTools: ['web_search_20250305'] }), 'tools');
  refuses(anthropicSourced({ messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'document' }] }] }), 'messages[0].content[0]');
  refuses(anthropicSourced({ messages: [{ role: 'tool', toolCallId: 't', content: [{ type: 'image', url: 'https://x/y.png' }] }] }), 'messages[0].content[0]');
  refuses(anthropicSourced({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop_sequences');
  refuses(anthropicSourced({}, { mcp_servers: [{ type: 'url', url: 'https://m' }] }), 'mcp_servers');
  refuses(anthropicSourced({}, { container: 'c1' }), 'container');
  const r = translated(encodeOpenAiChat(anthropicSourced({ topK: 5 }, { cache_control: { type: 'ephemeral' } }), EP, 'gpt-x', { dropParams: new Set(['top_k']) }));
  assert.deepEqual(r.dropped, ['top_k']);
  assert.ok(r.ignored.includes('cache_control'));
  assert.equal(JSON.parse(r.body ?? '').top_k, undefined);
});

test('chat.completion → canonical response: text, tool calls, finish reasons, usage', () => {
  const res = decodeOpenAiChatResponse(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 7,
      model: 'gpt-x',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 5 } },
    }),
    { now: 0 },
  );
  assert.deepEqual(res, {
    id: 'chatcmpl-1',
    model: 'gpt-x',
    created: 7,
    choices: [
      {
        index: 0,
        text: null,
        toolCalls: [
          { id: 'call_a', name: 'f', arguments: '{"a":1}' },
          { id: 'call_b', name: 'g', arguments: '{}' },
        ],
        finishReason: 'tool_calls',
        providerFinishReason: 'tool_calls',
      },
    ],
    usage: { inputTokens: 100, cachedInputTokens: 60, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 5 },
  });
  const one = (finish: string, message: Record<string, unknown> = { content: 'x' }): unknown =>
    decodeOpenAiChatResponse(JSON.stringify({ choices: [{ index: 0, message, finish_reason: finish }] }), { now: 5000 }).choices[0]?.finishReason;
  assert.equal(one('stop'), 'stop');
  assert.equal(one('length'), 'length');
  assert.equal(one('content_filter'), 'content_filter');
  assert.equal(one('stop', { content: null, refusal: 'I cannot' }), 'content_filter');
  assert.throws(() => decodeOpenAiChatResponse('not json', { now: 0 }), UpstreamUnavailableError);
  assert.throws(() => decodeOpenAiChatResponse('{"object":"list"}', { now: 0 }), UpstreamUnavailableError);
});

const enc = new TextEncoder();
function decodeAll(sse: string, chunk = 7): { events: StreamEvent[]; d: OpenAiEventDecoder } {
  const d = new OpenAiEventDecoder({ now: 1_000_000 });
  const events: StreamEvent[] = [];
  for (let i = 0; i < sse.length; i += chunk) events.push(...d.push(enc.encode(sse.slice(i, i + chunk))));
  events.push(...d.end());
  return { events, d };
}

test('event decoder: interleaved parallel calls keep distinct indices and ids; usage; completed only after [DONE]', () => {
  const frames = [
    { id: 'c1', model: 'gpt-x', created: 9, choices: [{ index: 0, delta: { role: 'assistant', content: null } }] },
    { id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] } }] },
    { id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"x":' } }] } }] },
    { id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] } }] },
    { id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '2}' } }] } }] },
    { id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    { id: 'c1', choices: [], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } },
  ];
  const sse = frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join('');
  const open = decodeAll(sse);
  assert.equal(open.d.completed, false, 'no [DONE] yet');
  const { events, d } = decodeAll(sse + 'data: [DONE]\n\n');
  assert.equal(d.completed, true);
  assert.deepEqual(events[0], { type: 'start', id: 'c1', model: 'gpt-x', created: 9 });
  const starts = events.filter((e) => e.type === 'tool-call-start');
  assert.deepEqual(starts.map((e) => [e.index, e.id, e.name]), [[0, 'call_a', 'f'], [1, 'call_b', 'g']]);
  const acc = new StreamAccumulator().addAll(events).response();
  assert.deepEqual(acc.choices[0]?.toolCalls, [
    { id: 'call_a', name: 'f', arguments: '{"a":1}' },
    { id: 'call_b', name: 'g', arguments: '{"x":2}' },
  ]);
  assert.equal(acc.choices[0]?.finishReason, 'tool_calls');
  assert.deepEqual(d.usage, { inputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 });
});

test('event decoder: a server that reuses index 0 for parallel calls still yields distinct calls', () => {
  const sse = [
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'x1', function: { name: 'f', arguments: '{}' } }] } }] },
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'x2', function: { name: 'g', arguments: '{}' } }] } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
  ].map((f) => `data: ${JSON.stringify(f)}\n\n`).join('') + 'data: [DONE]\n\n';
  const acc = new StreamAccumulator().addAll(decodeAll(sse).events).response();
  assert.deepEqual(acc.choices[0]?.toolCalls.map((c) => c.id), ['x1', 'x2']);
});

test('event decoder: an error frame and an unparseable frame end the stream with an error event', () => {
  const e1 = decodeAll('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"boom","code":"server_error"}}\n\ndata: [DONE]\n\n');
  const last = e1.events.at(-1);
  assert.equal(last?.type, 'error');
  assert.ok(last?.type === 'error' && last.error instanceof UpstreamError && last.error.upstreamCode === 'server_error');
  assert.equal(e1.d.completed, false, 'nothing after an error counts');
  const e2 = decodeAll('data: {nope\n\n');
  assert.equal(e2.events.at(-1)?.type, 'error');
});

// The simulator as its own process (providers may import only core; see simulator-process.ts).
let mock: SimulatorProcess;
before(async () => {
  mock = await startSimulatorProcess();
});
after(async () => {
  await mock.close();
});

async function callMock(req: ChatRequest, headers: Record<string, string>): Promise<{ events: StreamEvent[]; d: OpenAiEventDecoder }> {
  const r = translated(encodeOpenAiChat(req, EP, 'sim-gpt-4o'));
  const d = new OpenAiEventDecoder({ now: Date.now() });
  const events: StreamEvent[] = [];
  // node:http, not fetch: a socket destroyed mid-body must still deliver the bytes that arrived.
  await new Promise<void>((resolve, reject) => {
    const creq = request(`${mock.url}${r.path}`, { method: 'POST', headers: { ...r.headers, ...headers } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${String(res.statusCode)}`));
      res.on('data', (chunk: Buffer) => events.push(...d.push(chunk)));
      res.on('end', resolve);
      res.on('error', () => resolve());
      res.on('aborted', () => resolve());
    });
    creq.on('error', () => resolve());
    creq.end(r.body);
  });
  events.push(...d.end());
  return { events, d };
}

test('simulator: three parallel streamed tool calls (interleaved by index) decode into three distinct calls', async () => {
  const req = anthropicSourced({ stream: true, streamIncludeUsage: true, toolChoice: 'auto', parallelToolCalls: true, responseFormat: undefined, messages: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }] });
  const { events, d } = await callMock(req, { 'x-mock-tool-calls': '3' });
  assert.equal(d.completed, true);
  const acc = new StreamAccumulator().addAll(events).response();
  const calls = acc.choices[0]?.toolCalls ?? [];
  assert.equal(calls.length, 3);
  assert.equal(new Set(calls.map((c) => c.id)).size, 3);
  for (const c of calls) assert.doesNotThrow(() => JSON.parse(c.arguments));
  assert.equal(acc.choices[0]?.finishReason, 'tool_calls');
  assert.ok(d.usage !== null && d.usage.inputTokens > 0);
});

test('simulator: a cut stream leaves completed false', async () => {
  const req = anthropicSourced({ stream: true, streamIncludeUsage: true, tools: undefined, toolChoice: undefined, parallelToolCalls: undefined, responseFormat: undefined, messages: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }] });
  const { events, d } = await callMock(req, { 'x-mock-cut-after': '3' });
  assert.equal(d.completed, false);
  assert.ok(events.some((e) => e.type === 'text-delta'));
});
