// The simulator's POST /mistral/v1/embeddings, read as raw HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { embedVector, vectorToBase64 } from '../embedding-vector.js';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/mistral/v1/embeddings`;
});
after(() => mock.close());

const AUTH = { authorization: 'Bearer mistral-test' };

test('answers OpenAI-shaped lists with prompt tokens; output_dimension and base64 honoured', async () => {
  const res = await postJson(url, { model: 'mistral-embed', input: ['hello', 'world!'] }, AUTH);
  assert.equal(res.status, 200, res.text);
  const body = JSON.parse(res.text) as { object: string; data: { index: number; embedding: number[] }[]; usage: Record<string, number> };
  assert.equal(body.object, 'list');
  assert.deepEqual(body.data.map((d) => d.index), [0, 1]);
  assert.deepEqual(body.data[1]?.embedding, Array.from(embedVector('world!', 8)));
  assert.deepEqual(body.usage, { prompt_tokens: 4, total_tokens: 4, completion_tokens: 0 });
  const small = JSON.parse((await postJson(url, { model: 'mistral-embed', input: 'x', output_dimension: 3, encoding_format: 'base64' }, AUTH)).text) as { data: { embedding: string }[] };
  assert.equal(small.data[0]?.embedding, vectorToBase64(embedVector('x', 3)));
});

test("OpenAI's `dimensions` and `user` are 422 extra_forbidden", async () => {
  for (const extra of [{ dimensions: 4 }, { user: 'u' }]) {
    const res = await postJson(url, { model: 'mistral-embed', input: 'x', ...extra }, AUTH);
    assert.equal(res.status, 422, res.text);
    assert.equal((JSON.parse(res.text) as { message: { detail: { type: string }[] } }).message.detail[0]?.type, 'extra_forbidden');
  }
});
