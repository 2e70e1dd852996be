import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

interface EmbeddingsBody<E> {
  object: string;
  data: { object: string; index: number; embedding: E }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

function decodeBase64(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  const out: number[] = [];
  for (let i = 0; i < buf.length; i += 4) out.push(buf.readFloatLE(i));
  return out;
}

let mock: RunningMock;
let url: string;

before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v1/embeddings`;
});
after(() => mock.close());

test('returns float vectors of 8 dimensions by default, unit length, with usage', async () => {
  const res = await postJson(url, { model: 'text-embedding-3-small', input: ['hello world', 'abc'] });
  assert.equal(res.status, 200);
  const body = parse<EmbeddingsBody<number[]>>(res.text);
  assert.equal(body.object, 'list');
  assert.equal(body.model, 'text-embedding-3-small');
  assert.deepEqual(body.data.map((d) => [d.object, d.index]), [['embedding', 0], ['embedding', 1]]);
  for (const d of body.data) {
    assert.equal(d.embedding.length, 8);
    const norm = Math.sqrt(d.embedding.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
  }
  // ceil(11/4) + ceil(3/4) = 3 + 1
  assert.deepEqual(body.usage, { prompt_tokens: 4, total_tokens: 4 });
});

test('is deterministic per input and differs between inputs', async () => {
  const a = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input: 'same' })).text);
  const b = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input: ['other', 'same'] })).text);
  assert.deepEqual(a.data[0]?.embedding, b.data[1]?.embedding);
  assert.notDeepEqual(a.data[0]?.embedding, b.data[0]?.embedding);
});

test('base64 is the little-endian float32 bytes of the float vector', async () => {
  const input = ['round trip', 'second'];
  const floats = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input, dimensions: 16 })).text);
  const b64 = parse<EmbeddingsBody<string>>(
    (await postJson(url, { model: 'e', input, dimensions: 16, encoding_format: 'base64' })).text,
  );
  for (let i = 0; i < input.length; i++) {
    const encoded = b64.data[i]?.embedding;
    assert.equal(typeof encoded, 'string');
    assert.deepEqual(decodeBase64(encoded ?? ''), floats.data[i]?.embedding);
  }
});

test('the openai SDK (which asks for base64 by default) decodes the same vector', async () => {
  const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  const viaSdk = await client.embeddings.create({ model: 'e', input: 'sdk input' });
  const raw = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input: 'sdk input' })).text);
  assert.deepEqual(viaSdk.data[0]?.embedding, raw.data[0]?.embedding);
  const recorded = parse<{ body: string }[]>((await fetch(`${mock.url}/_mock/requests?limit=2`).then((r) => r.text())));
  assert.equal(parse<{ encoding_format?: string }>(recorded[0]?.body ?? '{}').encoding_format, 'base64');
});

test('accepts token arrays: usage counts one token per id', async () => {
  const one = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input: [1, 2, 3] })).text);
  assert.equal(one.data.length, 1);
  assert.equal(one.usage.prompt_tokens, 3);
  const many = parse<EmbeddingsBody<number[]>>((await postJson(url, { model: 'e', input: [[1, 2], [3, 4, 5]] })).text);
  assert.equal(many.data.length, 2);
  assert.equal(many.usage.prompt_tokens, 5);
});

test('rejects bad embeddings bodies with 400', async () => {
  const bad: unknown[] = [
    { input: 'x' },
    { model: 'e' },
    { model: 'e', input: '' },
    { model: 'e', input: [] },
    { model: 'e', input: [1, 'a'] },
    { model: 'e', input: 'x', encoding_format: 'hex' },
    { model: 'e', input: 'x', dimensions: 0 },
  ];
  for (const body of bad) {
    const res = await postJson(url, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(parse<{ error: { type: string } }>(res.text).error.type, 'invalid_request_error');
  }
});
