// The Gemini-native surface (/v1beta/models/{m}:generateContent | :streamGenerateContent?alt=sse)
// with the official @google/genai SDK as the client, to every provider type through the simulator:
// Gemini's shape in and out whatever the upstream wire. Checks what reached the upstream, the
// candidate, finish reason and usageMetadata (the provider's bill), the raw stream's last chunk,
// parallel function calls (R5) and broken streams (R6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleGenAI, type Content, type FunctionDeclaration } from '@google/genai';
import { nanosToUsdString } from '../../src/core/money.js';
import { MOCK_PNG } from '../../src/mock/control.js';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';
import { billOf, costNanosAt, lastUpstream, matrixConfig, ROWS } from './provider-matrix.js';
import { imagesSent, schemaSent, systemSent, toolsSent } from './upstream-probes.js';

let h: Harness;
const client = (headers: Record<string, string> = {}) => new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: h.gateway.url, headers } });
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
});
after(async () => h.close());

type Chunk = {
  candidates?: Array<{ content?: { parts?: Array<Record<string, unknown>> }; finishReason?: string }>;
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number };
  error?: { code: number; status: string; message: string };
};

async function rawStream(group: string, headers: Record<string, string> = {}): Promise<Chunk[]> {
  const r = await fetch(`${h.gateway.url}/v1beta/models/${group}:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Stream to me' }] }], generationConfig: { maxOutputTokens: 100 } }),
  });
  assert.equal(r.status, 200);
  return (await r.text())
    .split(/\r?\n\r?\n/)
    .filter((b) => b.trim() !== '')
    .map((b) => {
      assert.ok(b.startsWith('data: '), b);
      return JSON.parse(b.slice(6)) as Chunk;
    });
}

const FUNCTIONS: FunctionDeclaration[] = [
  { name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { tz: { type: 'string' } } } },
];
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };

for (const row of ROWS) {
  describe(`Gemini generateContent → ${row.name}`, () => {
    test('generateContent: systemInstruction placed, a candidate with STOP, usageMetadata = the provider\'s bill, exact cost', async () => {
      const before = await billOf(h.mockUrl, row.model);
      const r = await client().models.generateContent({ model: row.group, contents: 'Hello there', config: { systemInstruction: 'Be brief.', maxOutputTokens: 64 } });
      assert.match(r.text ?? '', /^Simulated answer from /);
      assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
      assert.ok((r.responseId ?? '') !== '');
      assert.equal(r.sdkHttpResponse?.headers?.['x-tollgate-deployment'], row.deployment);

      const up = await lastUpstream(h.mockUrl);
      assert.equal(up.path, row.chatPath(false));
      assert.match(up.headers[row.auth[0]] ?? '', row.auth[1]);
      assert.ok(!JSON.stringify(up.headers).includes(KEY), 'the client key never reaches the upstream');
      assert.equal(systemSent(row.wire, JSON.parse(up.body) as Record<string, unknown>), 'Be brief.');

      const after = await billOf(h.mockUrl, row.model);
      const billed = [after.prompt_tokens - before.prompt_tokens, after.completion_tokens - before.completion_tokens] as const;
      assert.deepEqual([r.usageMetadata?.promptTokenCount, r.usageMetadata?.candidatesTokenCount], billed);
      assert.equal(r.sdkHttpResponse?.headers?.['x-tollgate-cost-usd'], nanosToUsdString(costNanosAt(...billed)));
    });

    test('a raw stream: text chunks, then one last chunk with the finish reason and usage', async () => {
      const chunks = await rawStream(row.group);
      assert.ok(chunks.every((c) => c.error === undefined));
      const finishes = chunks.flatMap((c) => (c.candidates ?? []).map((x) => x.finishReason)).filter((x) => x !== undefined);
      assert.deepEqual(finishes, ['STOP']);
      const last = chunks.at(-1)!;
      assert.equal(last.candidates?.[0]?.finishReason, 'STOP');
      assert.ok((last.usageMetadata?.candidatesTokenCount ?? 0) > 0);
      const text = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).map((p) => (typeof p['text'] === 'string' ? p['text'] : '')).join('');
      assert.match(text, /^Simulated answer from /);
      assert.equal((await lastUpstream(h.mockUrl)).path, row.chatPath(true));
    });

    test('R5: parallel function calls streamed arrive whole, each with its own id; their responses go back', async () => {
      const calls: Array<{ id?: string; name?: string; args?: unknown }> = [];
      for await (const c of await client({ 'x-mock-tool-calls': '2' }).models.generateContentStream({ model: row.group, contents: 'Weather and time?', config: { tools: [{ functionDeclarations: FUNCTIONS }] } })) {
        for (const fc of c.functionCalls ?? []) calls.push(fc);
      }
      assert.deepEqual(toolsSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), ['get_weather', 'get_time']);
      assert.deepEqual(calls.map((c) => [c.name, c.args]), [['get_weather', { input: 'value 0', n: 0 }], ['get_time', { input: 'value 1', n: 1 }]]);
      assert.equal(new Set(calls.map((c) => c.id)).size, 2);

      const contents: Content[] = [
        { role: 'user', parts: [{ text: 'Weather and time?' }] },
        { role: 'model', parts: calls.map((c) => ({ functionCall: { id: c.id, name: c.name, args: c.args as Record<string, unknown> } })) },
        { role: 'user', parts: calls.map((c) => ({ functionResponse: { id: c.id, name: c.name, response: { output: `result of ${c.name}` } } })) },
      ];
      const next = await client().models.generateContent({ model: row.group, contents, config: { tools: [{ functionDeclarations: FUNCTIONS }] } });
      assert.equal(next.candidates?.[0]?.finishReason, 'STOP');
      assert.ok((await lastUpstream(h.mockUrl)).body.includes('result of get_time'));
    });

    test('R6: a stream cut mid-way ends with an error chunk and no finish reason; the SDK throws', async () => {
      const chunks = await rawStream(row.group, { 'x-mock-cut-after': '2' });
      assert.ok(chunks.every((c) => (c.candidates ?? []).every((x) => x.finishReason === undefined)));
      assert.equal(chunks.at(-1)?.error?.status, 'UNAVAILABLE');
      await assert.rejects(async () => {
        for await (const c of await client({ 'x-mock-error-after': '1' }).models.generateContentStream({ model: row.group, contents: 'x' })) void c;
      });
    });

    test('inline images and a response schema reach the provider in its own shape', async () => {
      const b64 = MOCK_PNG.toString('base64');
      const r = await client().models.generateContent({
        model: row.group,
        contents: [{ role: 'user', parts: [{ text: 'Describe, in JSON' }, { inlineData: { mimeType: 'image/png', data: b64 } }] }],
        config: { responseMimeType: 'application/json', responseJsonSchema: SCHEMA },
      });
      assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
      const body = JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>;
      assert.deepEqual(imagesSent(row.wire, body), [`data:image/png;base64,${b64}`]);
      assert.deepEqual(schemaSent(row.wire, body), SCHEMA);
    });
  });
}
