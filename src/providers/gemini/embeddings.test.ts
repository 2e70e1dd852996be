import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmbeddingsRequest } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { geminiProvider, vertexProvider } from './index.js';
import { ENDPOINT, VERTEX_ENDPOINT } from './test-fixtures.js';

/** What the embeddings surface decodes: `texts` holds the string inputs (none for token ids). */
function embeddings(input: unknown, extra: Record<string, unknown> = {}, inputCount = Array.isArray(input) ? input.length : 1): EmbeddingsRequest {
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.filter((x): x is string => typeof x === 'string') : [];
  return deepFreeze({ model: 'emb', inputCount, texts, source: { wire: 'openai-embeddings', body: { model: 'emb', input, ...extra } } });
}

test('AI Studio: batchEmbedContents with one request per input, the model named models/{m}, dimensions as outputDimensionality', () => {
  const r = geminiProvider.encodeEmbeddings(embeddings(['a', 'b'], { dimensions: 64 }), ENDPOINT, 'gemini-embedding-001');
  assert.equal(r.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
  assert.equal(r.headers['x-goog-api-key'], 'AIza-test');
  assert.deepEqual(JSON.parse(r.body ?? ''), {
    requests: [
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 64 },
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 64 },
    ],
  });
});

test('Vertex: predict with one instance per input', () => {
  const r = vertexProvider.encodeEmbeddings(embeddings('hello', { dimensions: 8 }), VERTEX_ENDPOINT, 'text-embedding-005');
  assert.equal(r.path, '/v1/projects/my-project/locations/europe-west4/publishers/google/models/text-embedding-005:predict');
  assert.equal(r.headers['authorization'], 'Bearer ya29.token');
  assert.deepEqual(JSON.parse(r.body ?? ''), { instances: [{ content: 'hello' }], parameters: { outputDimensionality: 8 } });
});

test('token-id inputs have no Gemini form and are refused naming input', () => {
  assert.throws(() => geminiProvider.encodeEmbeddings(embeddings([1, 2, 3], {}, 1), ENDPOINT, 'm'), (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'input');
  assert.throws(() => vertexProvider.encodeEmbeddings(embeddings([[1], [2]]), VERTEX_ENDPOINT, 'm'), UnsupportedParameterError);
});

test('results: vectors in order; Vertex token counts summed into usage; AI Studio gives none (null)', () => {
  const studio = geminiProvider.decodeEmbeddingsResult(JSON.stringify({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }));
  assert.deepEqual(studio, { vectors: [[0.1, 0.2], [0.3, 0.4]], usage: null });
  const vertexBody = JSON.stringify({
    predictions: [
      { embeddings: { statistics: { truncated: false, token_count: 3 }, values: [1, 0] } },
      { embeddings: { statistics: { truncated: false, token_count: 4 }, values: [0, 1] } },
    ],
    metadata: { billableCharacterCount: 20 },
  });
  const vertex = vertexProvider.decodeEmbeddingsResult(vertexBody);
  assert.deepEqual(vertex.vectors, [[1, 0], [0, 1]]);
  assert.equal(vertex.usage?.inputTokens, 7);
  assert.equal(vertexProvider.decodeEmbeddings(vertexBody).usage?.inputTokens, 7);
  assert.equal(geminiProvider.decodeEmbeddings('not json').usage, null);
  assert.throws(() => geminiProvider.decodeEmbeddingsResult(JSON.stringify({ embeddings: [{ values: ['x'] }] })), UpstreamUnavailableError);
});
