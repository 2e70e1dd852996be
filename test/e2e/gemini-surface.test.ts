// The Gemini-native surface (/v1beta/models/{model}:generateContent|streamGenerateContent) with the
// official @google/genai SDK as the client, through the same pipeline as every route (auth,
// admission, accounting), to an OpenAI-wire deployment and to an Anthropic one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI } from '@google/genai';
import { defaultConfig, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
const client = (headers: Record<string, string> = {}, apiKey = KEY) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: h.gateway.url, headers } });

before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      defaultConfig(mockUrl).replace(
        'models:\n',
        `  claude:\n    type: anthropic\n    base_url: ${mockUrl}/v1\n    api_key: sk-ant-simulated\n    forward_headers: [x-mock-*]\nmodels:\n  sonnet:\n    deployments: [ { provider: claude, model: claude-sonnet-4-5 } ]\n`,
      ),
  });
});
after(async () => h.close());

async function lastUpstream(): Promise<{ path: string; body: string }> {
  const list = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as Array<{ path: string; body: string }>;
  return list.at(-1)!;
}

test('generateContent through the SDK reaches an OpenAI-wire deployment and answers in Gemini shape', async () => {
  const r = await client().models.generateContent({ model: 'chat', contents: 'Hello Gemini', config: { systemInstruction: 'Be brief.', maxOutputTokens: 64 } });
  assert.match(r.text ?? '', /^Simulated answer from sim-model-1/);
  assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
  assert.ok((r.usageMetadata?.promptTokenCount ?? 0) > 0 && (r.usageMetadata?.candidatesTokenCount ?? 0) > 0);
  const up = await lastUpstream();
  assert.equal(up.path, '/v1/chat/completions');
  const sent = JSON.parse(up.body) as { messages: Array<{ role: string; content: unknown }>; max_tokens?: number; max_completion_tokens?: number };
  assert.equal(sent.messages[0]?.role, 'system');
  assert.equal(JSON.stringify(sent.messages).includes('Be brief.'), true);
});

test('streamGenerateContent streams text chunks, then a last chunk with the finish reason and usage', async () => {
  let text = '';
  let chunks = 0;
  let last: { finishReason?: string; usage?: number } = {};
  for await (const c of await client().models.generateContentStream({ model: 'sonnet', contents: 'Stream it' })) {
    chunks++;
    text += c.text ?? '';
    last = { finishReason: c.candidates?.[0]?.finishReason, usage: c.usageMetadata?.candidatesTokenCount };
  }
  assert.ok(chunks > 3, `streamed in ${chunks} chunks`);
  assert.match(text, /^Simulated answer from claude-sonnet-4-5/);
  assert.equal(last.finishReason, 'STOP');
  assert.ok((last.usage ?? 0) > 0);
  assert.equal((await lastUpstream()).path, '/v1/messages');
});

test('parallel function calls come back whole, each with its own id', async () => {
  const r = await client({ 'x-mock-tool-calls': '2' }).models.generateContent({
    model: 'chat',
    contents: 'Weather and time?',
    config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }, { name: 'get_time', parametersJsonSchema: { type: 'object' } }] }] },
  });
  const calls = r.functionCalls ?? [];
  assert.equal(calls.length, 2);
  assert.notEqual(calls[0]?.id, calls[1]?.id);
  assert.deepEqual(calls.map((c) => c.args), [{ input: 'value 0', n: 0 }, { input: 'value 1', n: 1 }]);
});

test('errors come in Gemini shape: a wrong key, an unknown model, a non-SSE stream', async () => {
  await assert.rejects(client({}, 'sk-wrong-wrong-wrong-wrong').models.generateContent({ model: 'chat', contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 401);
  await assert.rejects(client().models.generateContent({ model: 'nope', contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 404);
  const r = await fetch(`${h.gateway.url}/v1beta/models/chat:streamGenerateContent?key=${KEY}`, { method: 'POST', body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }) });
  assert.equal(r.status, 400);
  const e = (await r.json()) as { error: { code: number; status: string; message: string } };
  assert.deepEqual([e.error.code, e.error.status], [400, 'INVALID_ARGUMENT']);
  assert.match(e.error.message, /alt/);
});

test('the key may come as ?key=, and the request is accounted like any other', async () => {
  const r = await fetch(`${h.gateway.url}/v1beta/models/chat:generateContent?key=${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'GEMINI-KEY-MARK' }] }] }) });
  assert.equal(r.status, 200, await r.clone().text());
  assert.ok(r.headers.get('x-tollgate-request-id'));
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/sim-model-1');
  await h.gateway.logger.flush?.();
  assert.ok(!h.logText().includes(KEY), 'the key in the URL is never logged');
});
