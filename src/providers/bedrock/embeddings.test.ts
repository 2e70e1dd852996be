import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmbeddingsRequest } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { isTranslating } from '../types.js';
import { bedrockProvider } from './index.js';
import { BEARER_ENDPOINT, SIGV4_ENDPOINT } from './test-fixtures.js';

function embeddings(input: string | string[] | number[], extra: Record<string, unknown> = {}): EmbeddingsRequest {
  const texts = typeof input === 'string' ? [input] : input.every((x) => typeof x === 'string') ? (input as string[]) : [];
  return deepFreeze({ model: 'alias', inputCount: typeof input === 'string' || texts.length === 0 ? 1 : texts.length, texts, source: { wire: 'openai-embeddings', body: { model: 'alias', input, ...extra } } });
}

const encode = (req: EmbeddingsRequest, model: string) => bedrockProvider.encodeEmbeddings(req, SIGV4_ENDPOINT, model);

function refuses(req: EmbeddingsRequest, model: string, param: string): void {
  assert.throws(() => encode(req, model), (e: unknown) => e instanceof UnsupportedParameterError && e.param === param);
}

test('Titan v2: one inputText per InvokeModel call (+ dimensions, normalize); more inputs, token ids, other dimensions refused', () => {
  const r = encode(embeddings('hello', { dimensions: 512 }), 'amazon.titan-embed-text-v2:0');
  assert.equal(r.path, '/model/amazon.titan-embed-text-v2%3A0/invoke');
  assert.deepEqual(JSON.parse(r.body ?? ''), { inputText: 'hello', dimensions: 512, normalize: true });
  refuses(embeddings(['a', 'b']), 'amazon.titan-embed-text-v2:0', 'input');
  refuses(embeddings([1, 2, 3]), 'amazon.titan-embed-text-v2:0', 'input');
  refuses(embeddings('x', { dimensions: 300 }), 'amazon.titan-embed-text-v2:0', 'dimensions');
  refuses(embeddings('x'), 'anthropic.claude-3-haiku-20240307-v1:0', 'model');
  assert.equal(bedrockProvider.encodeEmbeddings(embeddings('x'), BEARER_ENDPOINT, 'amazon.titan-embed-text-v2:0').headers['authorization'], 'Bearer bedrock-api-key-test');
});

test('Cohere: texts with input_type search_document and float embeddings; output_dimension on embed-v4 only', () => {
  assert.deepEqual(JSON.parse(encode(embeddings(['a', 'b']), 'cohere.embed-english-v3').body ?? ''), { texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] });
  assert.deepEqual(JSON.parse(encode(embeddings(['a'], { dimensions: 256 }), 'us.cohere.embed-v4:0').body ?? '')['output_dimension'], 256);
  refuses(embeddings(['a'], { dimensions: 256 }), 'cohere.embed-english-v3', 'dimensions');
  refuses(embeddings(Array.from({ length: 97 }, (_, i) => `t${i}`)), 'cohere.embed-english-v3', 'input');
});

test('decodes Titan, Cohere by-type and Cohere plain-list bodies into vectors in input order, with usage where given', () => {
  assert.deepEqual(bedrockProvider.decodeEmbeddingsResult('{"embedding":[0.1,0.2],"inputTextTokenCount":3}'), {
    vectors: [[0.1, 0.2]],
    usage: { inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  });
  assert.deepEqual(bedrockProvider.decodeEmbeddingsResult('{"id":"x","embeddings":{"float":[[1,2],[3,4]]},"response_type":"embeddings_by_type"}'), { vectors: [[1, 2], [3, 4]], usage: null });
  assert.deepEqual(bedrockProvider.decodeEmbeddingsResult('{"embeddings":[[5]],"response_type":"embeddings_floats"}').vectors, [[5]]);
  assert.equal(bedrockProvider.decodeEmbeddings('{"embedding":[0.1],"inputTextTokenCount":9}').usage?.inputTokens, 9);
  assert.equal(bedrockProvider.decodeEmbeddings('garbage').usage, null);
  for (const bad of ['[]', '{"embedding":"x"}', '{"nothing":1}']) {
    assert.throws(() => bedrockProvider.decodeEmbeddingsResult(bad), UpstreamUnavailableError, bad);
  }
});

test("M6: Cohere on Bedrock reports its tokens only in InvokeModel's header, and that count is the usage", () => {
  const body = '{"id":"x","embeddings":{"float":[[1,2]]},"response_type":"embeddings_by_type"}';
  assert.equal(bedrockProvider.decodeEmbeddingsResult(body, { 'x-amzn-bedrock-input-token-count': '11' }).usage?.inputTokens, 11);
  assert.equal(bedrockProvider.decodeEmbeddingsResult(body, { 'x-amzn-bedrock-input-token-count': 'n/a' }).usage, null);
  // The body's own count wins where it has one (Titan).
  assert.equal(bedrockProvider.decodeEmbeddingsResult('{"embedding":[0.1],"inputTextTokenCount":3}', { 'x-amzn-bedrock-input-token-count': '4' }).usage?.inputTokens, 3);
});

test('Bedrock always translates: it has an event decoder, and is capable of chat, embeddings and streaming but not image URLs', () => {
  assert.equal(isTranslating(bedrockProvider), true);
  assert.deepEqual(bedrockProvider.capabilities, { chat: true, embeddings: true, streaming: true, imageUrls: false });
});
