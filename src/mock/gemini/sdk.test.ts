// The official @google/genai SDK as the client of the simulator's AI Studio routes: if the SDK reads our
// JSON, our SSE, our embeddings and our errors, the simulator speaks Gemini's wire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let ai: GoogleGenAI;
before(async () => {
  mock = await startMock({ port: 0, requireKey: 'AIza-test' });
  ai = new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: mock.url } });
});
after(() => mock.close());

const MODEL = 'gemini-2.5-flash';
const TOOLS = [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }, { name: 'get_time', parametersJsonSchema: { type: 'object' } }] }];

test('models.generateContent reads text, finishReason and usage', async () => {
  const r = await ai.models.generateContent({ model: MODEL, contents: 'Hi', config: { systemInstruction: 'Be brief.' } });
  assert.ok(r.text?.startsWith(`Simulated answer from ${MODEL}:`));
  assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
  assert.equal(r.usageMetadata?.candidatesTokenCount, 12);
  assert.equal(r.modelVersion, MODEL);
});

test('models.generateContentStream assembles the same text, with the final usage on the last chunk', async () => {
  const whole = await ai.models.generateContent({ model: MODEL, contents: 'Hi' });
  let text = '';
  let last: GenerateContentResponse | undefined;
  for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'Hi' })) {
    text += chunk.text ?? '';
    last = chunk;
  }
  assert.equal(text, whole.text);
  assert.equal(last?.candidates?.[0]?.finishReason, 'STOP');
  assert.equal(last?.usageMetadata?.promptTokenCount, whole.usageMetadata?.promptTokenCount);
  assert.equal(last?.usageMetadata?.candidatesTokenCount, 12);
});

test('parallel function calls are read whole, with ids and parsed args; thoughts are reported beside candidates', async () => {
  const r = await ai.models.generateContent({
    model: MODEL,
    contents: 'Weather and time?',
    config: { tools: TOOLS, thinkingConfig: { includeThoughts: true }, httpOptions: { headers: { 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '5' } } },
  });
  assert.deepEqual(r.functionCalls?.map((c) => [c.name, c.args]), [
    ['get_weather', { input: 'value 0', n: 0 }],
    ['get_time', { input: 'value 1', n: 1 }],
  ]);
  assert.notEqual(r.functionCalls?.[0]?.id, r.functionCalls?.[1]?.id);
  assert.equal(r.candidates?.[0]?.content?.parts?.[0]?.thought, true);
  assert.equal(r.usageMetadata?.thoughtsTokenCount, 5);
});

test('models.embedContent reads one vector per input', async () => {
  const r = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['alpha', 'beta'], config: { outputDimensionality: 4 } });
  assert.deepEqual(r.embeddings?.map((e) => e.values?.length), [4, 4]);
});

test('a 503 is an ApiError with status 503; a mid-stream error chunk makes the stream throw after the text it had', async () => {
  await assert.rejects(ai.models.generateContent({ model: MODEL, contents: 'Hi', config: { httpOptions: { headers: { 'x-mock-status': '503' } } } }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 503);
    assert.match(err.message, /UNAVAILABLE/);
    return true;
  });
  let text = '';
  await assert.rejects(
    (async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'Hi', config: { httpOptions: { headers: { 'x-mock-error-after': '3' } } } });
      for await (const chunk of stream) text += chunk.text ?? '';
    })(),
    (err: unknown) => err instanceof ApiError && err.status === 503,
  );
  assert.equal(text, 'Simulated answer from');
});

test('a wrong key is an ApiError (400 API_KEY_INVALID)', async () => {
  const other = new GoogleGenAI({ apiKey: 'AIza-wrong', httpOptions: { baseUrl: mock.url } });
  await assert.rejects(other.models.generateContent({ model: MODEL, contents: 'Hi' }), (err: unknown) => err instanceof ApiError && err.status === 400 && /API_KEY_INVALID/.test(err.message));
});
