// /v1/embeddings (the official openai SDK as the client) to every provider with embeddings: OpenAI,
// compatible and Azure relay OpenAI's shape; Gemini (batchEmbedContents), Vertex (predict), Bedrock
// (InvokeModel: Titan with SigV4, Cohere with an API key), Cohere (v2/embed) and Mistral have their own
// wires, re-encoded in OpenAI's shape — float or base64, as the client asked. Usage is the provider's
// count (or, where the wire has none, the gateway's own), and the cost receipt is exact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { nanosToUsdString } from '../../src/core/money.js';
import { authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { billOf, costNanosAt, EMBEDDING_ROWS, lastUpstream, matrixConfig } from './provider-matrix.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

for (const row of EMBEDDING_ROWS) {
  const model = row.deployment.split('/').slice(1).join('/');
  // Titan embeds one text per call (the adapter refuses more); every other wire takes a batch.
  const inputs = row.group === 'e-bedrock' ? ['the quick brown fox'] : ['the quick brown fox', 'jumps over the lazy dog'];

  describe(`embeddings → ${row.name}`, () => {
    test('M6: float vectors, one per input in order; usage and cost are the provider\'s count, exactly', async () => {
      const before = await billOf(h.mockUrl, model);
      const { data, response } = await client.embeddings.create({ model: row.group, input: inputs, encoding_format: 'float' }).withResponse();
      assert.equal(data.object, 'list');
      assert.deepEqual(data.data.map((d) => d.index), inputs.map((_, i) => i));
      const dims = data.data[0]!.embedding.length;
      assert.ok(dims > 0 && data.data.every((d) => d.embedding.length === dims && d.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))));
      assert.equal(response.headers.get('x-tollgate-deployment'), row.deployment);
      assert.equal((await lastUpstream(h.mockUrl)).path, row.path);

      const after = await billOf(h.mockUrl, model);
      const billed = after.prompt_tokens - before.prompt_tokens;
      if (row.reportsTokens) assert.equal(data.usage.prompt_tokens, billed, 'usage is what the provider billed');
      else assert.ok(data.usage.prompt_tokens > 0, 'a wire without token counts is billed on the gateway\'s count, never as zero');
      assert.equal(response.headers.get('x-tollgate-cost-usd'), nanosToUsdString(costNanosAt(data.usage.prompt_tokens, 0)));
    });

    test('the SDK\'s default (base64) decodes to the same vectors as float', async () => {
      const float = await client.embeddings.create({ model: row.group, input: inputs, encoding_format: 'float' });
      const raw = await fetch(`${h.gateway.url}/v1/embeddings`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: row.group, input: inputs, encoding_format: 'base64' }) });
      const b64 = (await raw.json()) as { data: Array<{ embedding: string }> };
      assert.equal(typeof b64.data[0]?.embedding, 'string');
      const viaSdk = await client.embeddings.create({ model: row.group, input: inputs });
      for (const [i, d] of viaSdk.data.entries()) {
        const expected = float.data[i]!.embedding.map((x) => Math.fround(x));
        assert.deepEqual(d.embedding, expected);
      }
    });
  });
}

describe('embeddings refusals', () => {
  test('token-id inputs to a wire that takes only text are a 400 naming the parameter and the target', async () => {
    const r = await fetch(`${h.gateway.url}/v1/embeddings`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'e-gemini', input: [[1, 2, 3]] }) });
    assert.equal(r.status, 400);
    const e = ((await r.json()) as { error: { code: string; param: string; target: string } }).error;
    assert.deepEqual([e.code, e.param], ['unsupported_parameter', 'input']);
    assert.match(e.target, /^gemini\/gemini-embedding-001/);
  });
});
