// The simulator's Gemini embedding and token-counting routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, rawRequest } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock.close());

const KEY = { 'x-goog-api-key': 'k' };
const TOKEN = { authorization: 'Bearer t' };
const STUDIO = '/v1beta/models/gemini-embedding-001';
const VERTEX = '/v1/projects/p/locations/us-central1/publishers/google/models/text-embedding-005';

type Json = Record<string, unknown>;

async function ok(path: string, body: unknown, headers: Record<string, string>): Promise<Json> {
  const res = await postJson(mock.url + path, body, headers);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as Json;
}

const content = (text: string) => ({ parts: [{ text }] });

test('batchEmbedContents: one vector per request, in order, deterministic, of the asked dimension; no usage, as Gemini', async () => {
  const body = { requests: [{ model: 'models/gemini-embedding-001', content: content('alpha') }, { model: 'models/gemini-embedding-001', content: content('beta'), outputDimensionality: 4 }] };
  const r = await ok(`${STUDIO}:batchEmbedContents`, body, KEY);
  const vectors = (r['embeddings'] as { values: number[] }[]).map((e) => e.values);
  assert.equal(vectors.length, 2);
  assert.equal(vectors[0]?.length, 8);
  assert.notDeepEqual(vectors[0], vectors[1]?.slice(0, 8));
  assert.deepEqual(await ok(`${STUDIO}:batchEmbedContents`, body, KEY), r);
  assert.deepEqual(Object.keys(r), ['embeddings']);
  const wrongModel = await postJson(`${mock.url}${STUDIO}:batchEmbedContents`, { requests: [{ model: 'models/other', content: content('x') }] }, KEY);
  assert.equal(wrongModel.status, 400);
});

test('embedContent answers one embedding', async () => {
  const r = await ok(`${STUDIO}:embedContent`, { content: content('alpha'), taskType: 'RETRIEVAL_QUERY' }, KEY);
  assert.equal((r['embedding'] as { values: number[] }).values.length, 8);
});

test('Vertex predict: per-instance statistics.token_count, billed to the ledger', async () => {
  await rawRequest(`${mock.url}/_mock/reset`, { method: 'POST' });
  const r = await ok(`${VERTEX}:predict`, { instances: [{ content: 'hello world!' }, { content: 'hi' }], parameters: { outputDimensionality: 3 } }, TOKEN);
  const predictions = r['predictions'] as { embeddings: { statistics: { token_count: number }; values: number[] } }[];
  assert.deepEqual(predictions.map((p) => [p.embeddings.statistics.token_count, p.embeddings.values.length]), [[3, 3], [1, 3]]);
  const stats = JSON.parse((await rawRequest(`${mock.url}/_mock/stats`)).text) as { by_model: Record<string, Json> };
  assert.equal(stats.by_model['text-embedding-005']?.['prompt_tokens'], 4);
  assert.equal((await postJson(`${mock.url}${VERTEX}:predict`, { instances: [{ content: 'x' }] }, KEY)).status, 401);
  assert.equal((await postJson(`${mock.url}${STUDIO}:predict`, { instances: [{ content: 'x' }] }, KEY)).status, 404);
});

test('countTokens reports what generateContent would count as the prompt, unbilled', async () => {
  await rawRequest(`${mock.url}/_mock/reset`, { method: 'POST' });
  const contents = [{ role: 'user', parts: [{ text: 'Hello there' }] }];
  const r = await ok('/v1beta/models/gemini-2.5-flash:countTokens', { contents }, KEY);
  assert.deepEqual(r, { totalTokens: 6, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 6 }] });
  // (11 + 9) chars → 5, + 3 for the content, + 3 for the system instruction.
  const inner = await ok('/v1beta/models/gemini-2.5-flash:countTokens', { generateContentRequest: { model: 'models/gemini-2.5-flash', contents, systemInstruction: content('Be brief.') } }, KEY);
  assert.equal(inner['totalTokens'], 11);
  const stats = JSON.parse((await rawRequest(`${mock.url}/_mock/stats`)).text) as { requests: number };
  assert.equal(stats.requests, 0);
});
