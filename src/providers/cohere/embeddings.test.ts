import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddingsRequest } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import { decodeCohereEmbeddings, decodeCohereEmbeddingsResult, encodeCohereEmbeddings } from './embeddings.js';
import { ENDPOINT } from './test-fixtures.js';

function request(input: string[] | number[][], body: Record<string, unknown> = {}): EmbeddingsRequest {
  const texts = input.every((x) => typeof x === 'string') ? (input as string[]) : [];
  return { model: 'alias', inputCount: input.length, texts, source: { wire: 'openai-embeddings', body: { model: 'alias', input, ...body } } };
}

test('POST {basePath}/embed with texts, search_document and float embeddings', () => {
  const r = encodeCohereEmbeddings(request(['a', 'b']), ENDPOINT, 'embed-english-v3.0');
  assert.equal(r.path, '/v2/embed');
  assert.equal(r.headers['authorization'], 'Bearer co-test');
  assert.deepEqual(JSON.parse(r.body ?? ''), { model: 'embed-english-v3.0', texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] });
});

test('dimensions → output_dimension on embed-v4 only; token ids and more than 96 texts are refused', () => {
  const v4 = encodeCohereEmbeddings(request(['a'], { dimensions: 512 }), ENDPOINT, 'embed-v4.0');
  assert.equal((JSON.parse(v4.body ?? '') as { output_dimension: number }).output_dimension, 512);
  const refused = (req: EmbeddingsRequest, model: string, param: string) =>
    assert.throws(() => encodeCohereEmbeddings(req, ENDPOINT, model), (e: unknown) => e instanceof UnsupportedParameterError && e.param === param);
  refused(request(['a'], { dimensions: 512 }), 'embed-english-v3.0', 'dimensions');
  refused(request(['a'], { dimensions: 100 }), 'embed-v4.0', 'dimensions');
  refused(request([[1, 2]]), 'embed-v4.0', 'input');
  refused(request(Array.from({ length: 97 }, () => 'x')), 'embed-v4.0', 'input');
});

test('decodes embeddings.float (by type) or a plain list, in order, with billed input tokens', () => {
  const byType = { id: 'e', embeddings: { float: [[0.1, 0.2], [0.3, 0.4]] }, meta: { billed_units: { input_tokens: 6 } }, response_type: 'embeddings_by_type' };
  assert.deepEqual(decodeCohereEmbeddingsResult(JSON.stringify(byType)), {
    vectors: [[0.1, 0.2], [0.3, 0.4]],
    usage: { inputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  });
  const floats = { id: 'e', embeddings: [[1, 2]], response_type: 'embeddings_floats' };
  assert.deepEqual(decodeCohereEmbeddingsResult(JSON.stringify(floats)), { vectors: [[1, 2]], usage: null });
  assert.equal(decodeCohereEmbeddings(JSON.stringify(byType)).usage?.inputTokens, 6);
});

test('a body without float embeddings is a protocol error', () => {
  for (const body of ['nope', '{"embeddings":{"int8":[[1]]}}', '{"embeddings":{"float":[["x"]]}}']) {
    assert.throws(() => decodeCohereEmbeddingsResult(body), UpstreamUnavailableError);
  }
  assert.equal(decodeCohereEmbeddings('nope').usage, null);
});
