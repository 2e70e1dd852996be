import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeEmbeddingsResponse } from './encode.js';

test('re-encodes vectors in OpenAI shape, in order, with the client model and usage', () => {
  const body = JSON.parse(encodeEmbeddingsResponse({ vectors: [[0.5, -1], [0.25, 2]], usage: null }, 'my-embed', 'float', 7)) as Record<string, unknown>;
  assert.deepEqual(body, {
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: [0.5, -1] },
      { object: 'embedding', index: 1, embedding: [0.25, 2] },
    ],
    model: 'my-embed',
    usage: { prompt_tokens: 7, total_tokens: 7 },
  });
});

test('base64 is float32 little-endian, as OpenAI sends it', () => {
  const body = JSON.parse(encodeEmbeddingsResponse({ vectors: [[0.5, -1]], usage: null }, 'm', 'base64', 1)) as { data: { embedding: string }[] };
  const buf = Buffer.from(body.data[0]!.embedding, 'base64');
  assert.deepEqual([buf.readFloatLE(0), buf.readFloatLE(4)], [0.5, -1]);
});
