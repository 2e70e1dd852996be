// The simulator's Gemini generateContent routes (AI Studio and Vertex), read as raw HTTP and raw frames.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, rawRequest, sseData, type RawResponse } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock.close());
beforeEach(() => rawRequest(`${mock.url}/_mock/reset`, { method: 'POST' }));

const STUDIO = '/v1beta/models/gemini-2.5-flash';
const VERTEX = '/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-pro';
const KEY = { 'x-goog-api-key': 'AIza-test' };
const TOKEN = { authorization: 'Bearer ya29.test' };
// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one content = 6.
const HELLO = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };
const TOOLS = [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }, { name: 'get_time' }] }];
const FULL = 'Simulated answer from gemini-2.5-flash: lorem ipsum dolor sit amet consectetur adipiscing elit';

type Json = Record<string, unknown>;
type Candidate = { content: { parts?: Json[]; role: string }; finishReason?: string; index: number };
type Response = { candidates?: Candidate[]; usageMetadata: Json; promptFeedback?: Json; responseId: string; modelVersion: string };

function post(path: string, body: unknown, headers: Record<string, string> = KEY): Promise<RawResponse> {
  return postJson(mock.url + path, body, headers);
}

async function generate(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await post(`${STUDIO}:generateContent`, body, { ...KEY, ...headers });
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as Response;
}

async function stream(body: unknown, headers: Record<string, string> = {}): Promise<{ chunks: Response[]; res: RawResponse }> {
  const res = await post(`${STUDIO}:streamGenerateContent?alt=sse`, body, { ...KEY, ...headers });
  assert.equal(res.status, 200, res.text);
  return { chunks: sseData(res.text).map((d) => JSON.parse(d) as Response), res };
}

async function rejected(body: unknown, path = `${STUDIO}:generateContent`, headers: Record<string, string> = KEY): Promise<{ status: number; error: { code: number; message: string; status: string } }> {
  const res = await post(path, body, headers);
  return { status: res.status, error: (JSON.parse(res.text) as { error: { code: number; message: string; status: string } }).error };
}

async function stats(): Promise<{ requests: number; by_model: Record<string, Json> }> {
  return JSON.parse((await rawRequest(`${mock.url}/_mock/stats`)).text) as { requests: number; by_model: Record<string, Json> };
}

test('answers generateContent in Gemini shape: one candidate, STOP, usageMetadata, modelVersion, responseId', async () => {
  const r = await generate(HELLO);
  assert.deepEqual(r.candidates, [{ content: { parts: [{ text: FULL }], role: 'model' }, finishReason: 'STOP', index: 0 }]);
  assert.deepEqual(r.usageMetadata, { promptTokenCount: 6, candidatesTokenCount: 12, totalTokenCount: 18, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 6 }] });
  assert.equal(r.modelVersion, 'gemini-2.5-flash');
  assert.match(r.responseId, /^[0-9a-z]+$/);
  assert.deepEqual((await stats()).by_model['gemini-2.5-flash'], { requests: 1, prompt_tokens: 6, completion_tokens: 12, cached_tokens: 0, reasoning_tokens: 0 });
});

test('streams data-only SSE: one chunk per token, usage on every chunk, a last chunk with finishReason — no [DONE]', async () => {
  const { chunks, res } = await stream(HELLO);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(res.text.includes('[DONE]'), false);
  assert.equal(chunks.length, 13);
  assert.equal(chunks.slice(0, 12).map((c) => c.candidates?.[0]?.content.parts?.[0]?.['text']).join(''), FULL);
  assert.deepEqual(chunks.map((c) => c.usageMetadata['candidatesTokenCount']), [...Array.from({ length: 12 }, (_, i) => i + 1), 12]);
  assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
  assert.equal(chunks.slice(0, -1).some((c) => c.candidates?.[0]?.finishReason !== undefined), false);
});

test('without alt=sse the stream is one JSON array (and a mid-stream failure is an error element)', async () => {
  const ok = await post(`${STUDIO}:streamGenerateContent`, HELLO);
  assert.match(ok.headers.get('content-type') ?? '', /^application\/json/);
  const arr = JSON.parse(ok.text) as Response[];
  assert.equal(arr.length, 13);
  assert.equal(arr.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
  const failed = JSON.parse((await post(`${STUDIO}:streamGenerateContent`, HELLO, { ...KEY, 'x-mock-error-after': '2' })).text) as Json[];
  assert.equal(failed.length, 3);
  assert.deepEqual((failed.at(-1) as { error: Json }).error['status'], 'UNAVAILABLE');
});

test('function calls come whole with ids and end with STOP; toolConfig NONE forbids them, ANY + names narrows them', async () => {
  const r = await generate({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '3' });
  const parts = r.candidates?.[0]?.content.parts ?? [];
  assert.deepEqual(parts.map((p) => [(p['functionCall'] as Json)['name'], (p['functionCall'] as Json)['args']]), [
    ['get_weather', { input: 'value 0', n: 0 }],
    ['get_time', { input: 'value 1', n: 1 }],
    ['get_weather', { input: 'value 2', n: 2 }],
  ]);
  assert.equal(new Set(parts.map((p) => (p['functionCall'] as Json)['id'])).size, 3);
  assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
  const none = await generate({ ...HELLO, tools: TOOLS, toolConfig: { functionCallingConfig: { mode: 'NONE' } } }, { 'x-mock-tool-calls': '2' });
  assert.equal(none.candidates?.[0]?.content.parts?.[0]?.['text'], FULL);
  const narrowed = await generate({ ...HELLO, tools: TOOLS, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } }, { 'x-mock-tool-calls': '2' });
  assert.deepEqual(narrowed.candidates?.[0]?.content.parts?.map((p) => (p['functionCall'] as Json)['name']), ['get_time', 'get_time']);
  const { chunks } = await stream({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '2' });
  assert.equal(chunks.filter((c) => c.candidates?.[0]?.content.parts?.some((p) => p['functionCall'] !== undefined)).length, 2, 'one whole call per chunk');
});

test('maxOutputTokens caps the answer with MAX_TOKENS; thoughts spend the cap first and are reported beside candidates', async () => {
  const capped = await generate({ ...HELLO, generationConfig: { maxOutputTokens: 5 } });
  assert.equal(capped.candidates?.[0]?.finishReason, 'MAX_TOKENS');
  assert.equal(capped.usageMetadata['candidatesTokenCount'], 5);
  const thought = await generate({ ...HELLO, generationConfig: { max_output_tokens: 10 } }, { 'x-mock-reasoning-tokens': '4' });
  assert.equal(thought.usageMetadata['candidatesTokenCount'], 6);
  assert.equal(thought.usageMetadata['thoughtsTokenCount'], 4);
  assert.equal(thought.usageMetadata['totalTokenCount'], 16);
  assert.equal(thought.candidates?.[0]?.content.parts?.some((p) => p['thought'] === true), false, 'thoughts only when includeThoughts');
  assert.equal(thought.candidates?.[0]?.content.parts?.[0]?.['thoughtSignature'] !== undefined, true);
  const included = await generate({ ...HELLO, generationConfig: { thinkingConfig: { includeThoughts: true } } }, { 'x-mock-reasoning-tokens': '4' });
  assert.deepEqual(included.candidates?.[0]?.content.parts?.[0], { text: 'Let me think this through.', thought: true });
});

test('cached tokens are inside promptTokenCount; the bill counts them as cached', async () => {
  const r = await generate(HELLO, { 'x-mock-cached-tokens': '4' });
  assert.equal(r.usageMetadata['promptTokenCount'], 6);
  assert.equal(r.usageMetadata['cachedContentTokenCount'], 4);
  assert.equal((await stats()).by_model['gemini-2.5-flash']?.['cached_tokens'], 4);
});

test('R6: error_after sends a data: {"error":…} chunk after N tokens; cut_after drops the socket; the bill is what was sent', async () => {
  const { chunks } = await stream(HELLO, { 'x-mock-error-after': '3' });
  assert.equal(chunks.length, 4);
  assert.deepEqual((chunks.at(-1) as unknown as { error: Json }).error, { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' });
  const cut = await post(`${STUDIO}:streamGenerateContent?alt=sse`, HELLO, { ...KEY, 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.equal(cut.text.includes('finishReason'), false);
  assert.deepEqual((await stats()).by_model['gemini-2.5-flash'], { requests: 2, prompt_tokens: 12, completion_tokens: 5, cached_tokens: 0, reasoning_tokens: 0 });
});

test('x-mock-gemini-block: a 200 without candidates, only promptFeedback.blockReason — not billed; in a stream, that one chunk', async () => {
  const r = await generate(HELLO, { 'x-mock-gemini-block': 'PROHIBITED_CONTENT' });
  assert.equal(r.candidates, undefined);
  assert.equal(r.promptFeedback?.['blockReason'], 'PROHIBITED_CONTENT');
  const { chunks } = await stream(HELLO, { 'x-mock-gemini-block': 'SAFETY' });
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]?.promptFeedback?.['blockReason'], 'SAFETY');
  assert.equal((await stats()).requests, 0);
  const bad = await rejected(HELLO, `${STUDIO}:generateContent`, { ...KEY, 'x-mock-gemini-block': 'MAYBE' });
  assert.equal(bad.status, 400);
  assert.match(bad.error.message, /x-mock-gemini-block/);
});

test('x-mock-gemini-finish: the candidate ends with the scripted finishReason', async () => {
  const r = await generate(HELLO, { 'x-mock-gemini-finish': 'SAFETY' });
  assert.equal(r.candidates?.[0]?.finishReason, 'SAFETY');
  const { chunks } = await stream(HELLO, { 'x-mock-gemini-finish': 'MALFORMED_FUNCTION_CALL' });
  assert.equal(chunks.at(-1)?.candidates?.[0]?.finishReason, 'MALFORMED_FUNCTION_CALL');
});

test('a scripted 429 is RESOURCE_EXHAUSTED with RetryInfo when a delay in seconds was scripted; 503 is UNAVAILABLE', async () => {
  const res = await post(`${STUDIO}:generateContent`, HELLO, { ...KEY, 'x-mock-status': '429', 'x-mock-retry-after': '9' });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '9');
  const e = (JSON.parse(res.text) as { error: { status: string; details: Json[] } }).error;
  assert.equal(e.status, 'RESOURCE_EXHAUSTED');
  assert.deepEqual(e.details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo'), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '9s' });
  const overloaded = await rejected(HELLO, `${STUDIO}:generateContent`, { ...KEY, 'x-mock-status': '503' });
  assert.deepEqual([overloaded.status, overloaded.error.code, overloaded.error.status], [503, 503, 'UNAVAILABLE']);
});

test('AI Studio auth: no key is 403 PERMISSION_DENIED; ?key= works; with requireKey a wrong key is 400 API_KEY_INVALID, never echoed', async () => {
  const none = await rejected(HELLO, `${STUDIO}:generateContent`, {});
  assert.deepEqual([none.status, none.error.status], [403, 'PERMISSION_DENIED']);
  assert.equal((await post(`${STUDIO}:generateContent?key=AIza-q`, HELLO, {})).status, 200);
  const strict = await startMock({ port: 0, requireKey: 'AIza-right' });
  try {
    const wrong = await postJson(`${strict.url}${STUDIO}:generateContent`, HELLO, { 'x-goog-api-key': 'AIza-wrong' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /API_KEY_INVALID/);
    assert.equal(wrong.text.includes('AIza-wrong'), false);
    assert.equal((await postJson(`${strict.url}${STUDIO}:generateContent`, HELLO, { 'x-goog-api-key': 'AIza-right' })).status, 200);
  } finally {
    await strict.close();
  }
});

test('Vertex: Bearer token required (401 UNAUTHENTICATED), same answers; labels accepted there but unknown on AI Studio', async () => {
  const none = await rejected(HELLO, `${VERTEX}:generateContent`, KEY);
  assert.deepEqual([none.status, none.error.status], [401, 'UNAUTHENTICATED']);
  const ok = await post(`${VERTEX}:generateContent`, { ...HELLO, labels: { team: 'a' } }, TOKEN);
  assert.equal(ok.status, 200, ok.text);
  assert.equal((JSON.parse(ok.text) as Response).modelVersion, 'gemini-2.5-pro');
  const sse = await post(`${VERTEX.replace('/v1/', '/v1beta1/')}:streamGenerateContent?alt=sse`, HELLO, TOKEN);
  assert.equal(sseData(sse.text).length, 13);
  const studio = await rejected({ ...HELLO, labels: { team: 'a' } });
  assert.match(studio.error.message, /Unknown name "labels": Cannot find field/);
  assert.equal((await post(VERTEX.replace('/google/', '/meta/') + ':generateContent', HELLO, TOKEN)).status, 404);
});

test('strict like Gemini: bad roles, unknown fields, empty contents/parts, non-base64 bytes are 400 INVALID_ARGUMENT', async () => {
  const cases: [unknown, RegExp][] = [
    [{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /Please use a valid role: user, model\./],
    [{ ...HELLO, max_tokens: 5 }, /Unknown name "max_tokens": Cannot find field/],
    [{ ...HELLO, generationConfig: { maxTokens: 5 } }, /Unknown name "maxTokens" at 'generation_config'/],
    [{ contents: [] }, /contents is not specified/],
    [{ contents: [{ role: 'user', parts: [] }] }, /contents\.parts must not be empty/],
    [{ contents: [{ role: 'user', parts: [{ text: '' }] }] }, /required oneof field 'data'/],
    [{ contents: [{ role: 'user', parts: [{ text: 'a', inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }] }, /Oneof field 'data' is already set/],
    [{ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'not base64!' } }] }] }, /Base64 decoding failed/],
    [{ contents: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] }, /Unknown name "type" at 'contents\[0\]\.parts\[0\]'/],
    [{ ...HELLO, generationConfig: { temperature: 2.5 } }, /temperature must be in the range/],
    [{ ...HELLO, generationConfig: { stopSequences: ['1', '2', '3', '4', '5', '6'] } }, /at most 5/],
    [{ ...HELLO, generationConfig: { responseJsonSchema: { type: 'object' } } }, /response_mime_type must be/],
    [{ ...HELLO, tools: [{ functionDeclarations: [{ name: 'bad name' }] }] }, /Invalid function name/],
    [{ ...HELLO, tools: TOOLS, toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['get_time'] } } }, /only be set when mode is ANY/],
    [{ ...HELLO, cachedContent: 'cachedContents/abc' }, /CachedContent not found/],
  ];
  for (const [body, message] of cases) {
    const r = await rejected(body);
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(body)} → ${r.status}`);
    assert.match(r.error.message, message);
  }
  assert.equal((await generate({ contents: [{ parts: [{ text: 'no role reads as user' }] }], system_instruction: { parts: [{ text: 'snake_case names work' }] } })).candidates?.length, 1);
});

test('function responses must answer the function-call turn right before them (count and names)', async () => {
  const call = (name: string) => ({ functionCall: { name, args: {} } });
  const response = (name: string) => ({ functionResponse: { name, response: { output: 'ok' } } });
  const ask = { role: 'user', parts: [{ text: 'Weather?' }] };
  const ok = { contents: [ask, { role: 'model', parts: [call('get_weather'), call('get_time')] }, { role: 'user', parts: [response('get_time'), response('get_weather'), { text: 'And?' }] }], tools: TOOLS };
  assert.equal((await generate(ok)).candidates?.length, 1);
  const cases: [unknown[], RegExp][] = [
    [[ask, { role: 'user', parts: [response('get_weather')] }], /function response turn comes immediately after a function call turn/],
    [[ask, { role: 'model', parts: [call('get_weather'), call('get_time')] }, { role: 'user', parts: [response('get_weather')] }], /number of function response parts is equal/],
    [[ask, { role: 'model', parts: [call('get_weather')] }, { role: 'user', parts: [response('get_time')] }], /answers no function call/],
    [[{ role: 'model', parts: [call('get_weather')] }], /function call turn comes immediately after a user turn/],
    [[{ role: 'user', parts: [call('get_weather')] }], /only allowed in model turns/],
  ];
  for (const [contents, message] of cases) {
    const r = await rejected({ contents, tools: TOOLS });
    assert.equal(r.status, 400);
    assert.equal(r.error.status, 'INVALID_ARGUMENT');
    assert.match(r.error.message, message);
  }
});
