import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddingsRequest } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import { decodeMistralEmbeddings, decodeMistralEmbeddingsResult, encodeMistralEmbeddings } from './embeddings.js';
import { ENDPOINT } from './test-fixtures.js';

function request(input: string[] | number[][], body: Record<string, unknown> = {}): EmbeddingsRequest {
  const texts = input.every((x) => typeof x === 'string') ? (input as string[]) : [];
  return { model: 'alias', inputCount: input.length, texts, user: 'u', source: { wire: 'openai-embeddings', body: { model: 'alias', input, user: 'u', encoding_format: 'base64', ...body } } };
}

test('POST {basePath}/embeddings with model and input only (no user, no encoding_format); dimensions → output_dimension', () => {
  const r = encodeMistralEmbeddings(request(['a', 'b'], { dimensions: 256 }), ENDPOINT, 'codestral-embed');
  assert.equal(r.path, '/v1/embeddings');
  assert.equal(r.headers['authorization'], 'Bearer mistral-test');
  assert.deepEqual(JSON.parse(r.body ?? ''), { model: 'codestral-embed', input: ['a', 'b'], output_dimension: 256 });
});

test('token-id inputs are refused', () => {
  assert.throws(() => encodeMistralEmbeddings(request([[1, 2]]), ENDPOINT, 'mistral-embed'), (e: unknown) => e instanceof UnsupportedParameterError && e.param === 'input');
});

test('decodes data by index, with the prompt tokens', () => {
  const body = JSON.stringify({
    id: 'e',
    object: 'list',
    model: 'mistral-embed',
    data: [
      { object: 'embedding', embedding: [0.3], index: 1 },
      { object: 'embedding', embedding: [0.1], index: 0 },
    ],
    usage: { prompt_tokens: 6, total_tokens: 6, completion_tokens: 0 },
  });
  assert.deepEqual(decodeMistralEmbeddingsResult(body), {
    vectors: [[0.1], [0.3]],
    usage: { inputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  });
  assert.equal(decodeMistralEmbeddings(body).usage?.inputTokens, 6);
});

test('a body without data is a protocol error', () => {
  assert.throws(() => decodeMistralEmbeddingsResult('{"object":"error"}'), UpstreamUnavailableError);
  assert.equal(decodeMistralEmbeddings('x').usage, null);
});
