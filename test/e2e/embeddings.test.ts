import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

test('embeds through the SDK (which asks for base64 and decodes it)', async () => {
  const { data, response } = await client.embeddings.create({ model: 'embed', input: ['first text', 'second text'] }).withResponse();
  assert.equal(data.data.length, 2);
  assert.ok(data.data.every((d) => Array.isArray(d.embedding) && d.embedding.length > 0 && d.embedding.every(Number.isFinite)));
  assert.ok(data.usage.prompt_tokens > 0);
  assert.equal(response.headers.get('x-tollgate-deployment'), 'sim/sim-embed-1');
});

test('embeds as floats and matches the OpenAI spec', async (t) => {
  const res = await fetch(`${h.gateway.url}/v1/embeddings`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'embed', input: 'hello', encoding_format: 'float' }) });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: Array<{ embedding: number[] }> };
  assert.ok(Array.isArray(body.data[0]?.embedding));
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  assert.deepEqual(validateAgainst('CreateEmbeddingResponse', body), []);
});

test('embeds through an Azure deployment', async () => {
  const r = await client.embeddings.create({ model: 'azure-embed', input: 'hello azure' });
  assert.equal(r.data.length, 1);
});

test('refuses a malformed input with the parameter named', async () => {
  const res = await fetch(`${h.gateway.url}/v1/embeddings`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'embed', input: [1, 'mixed'] }) });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'input');
});
