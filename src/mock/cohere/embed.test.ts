// The simulator's POST /v2/embed, read as raw HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { embedVector, vectorToBase64 } from '../embedding-vector.js';
import { postJson, rawRequest } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v2/embed`;
});
after(() => mock.close());

const AUTH = { authorization: 'Bearer co-test' };
const BODY = { model: 'embed-v4.0', texts: ['hello', 'a longer text'], input_type: 'search_document', embedding_types: ['float'] };

test('float embeddings by type, texts echoed, billed input tokens in meta; billed to the ledger', async () => {
  const res = await postJson(url, BODY, AUTH);
  assert.equal(res.status, 200, res.text);
  const body = JSON.parse(res.text) as { embeddings: { float: number[][] }; texts: string[]; meta: { billed_units: { input_tokens: number } }; response_type: string };
  assert.deepEqual(body.embeddings.float[0], Array.from(embedVector('hello', 8)));
  assert.equal(body.embeddings.float.length, 2);
  assert.deepEqual(body.texts, BODY.texts);
  // ceil(5/4) + ceil(13/4) = 2 + 4
  assert.equal(body.meta.billed_units.input_tokens, 6);
  assert.equal(body.response_type, 'embeddings_by_type');
  const stats = JSON.parse((await rawRequest(`${mock.url}/_mock/stats`)).text) as { by_model: Record<string, { prompt_tokens: number }> };
  assert.equal(stats.by_model['embed-v4.0']?.prompt_tokens, 6);
});

test('output_dimension and base64 are honoured', async () => {
  const res = await postJson(url, { ...BODY, texts: ['x'], embedding_types: ['float', 'base64'], output_dimension: 4 }, AUTH);
  const body = JSON.parse(res.text) as { embeddings: { float: number[][]; base64: string[] } };
  assert.equal(body.embeddings.float[0]?.length, 4);
  assert.equal(body.embeddings.base64[0], vectorToBase64(embedVector('x', 4)));
});

test('input_type is required, unknown fields and OpenAI\'s `input` are refused', async () => {
  const { input_type: _omit, ...noType } = BODY;
  for (const body of [noType, { ...BODY, dimensions: 4 }, { model: 'embed-v4.0', input: ['x'], input_type: 'search_query' }]) {
    const res = await postJson(url, body, AUTH);
    assert.equal(res.status, 400, res.text);
    assert.match((JSON.parse(res.text) as { message: string }).message, /^invalid request: /);
  }
});
