import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, rawRequest, sseData } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

interface FilterResult {
  filtered: boolean;
  severity?: string;
  detected?: boolean;
}
interface AzureChoice {
  index: number;
  finish_reason: string | null;
  message?: { content: string | null };
  delta?: { role?: string; content?: string };
  content_filter_results?: Record<string, FilterResult>;
}
interface AzureChunk {
  id: string;
  object: string;
  model: string;
  choices: AzureChoice[];
  prompt_filter_results?: { prompt_index: number; content_filter_results: Record<string, FilterResult> }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

let mock: RunningMock;
let base: string;
const KEY = { 'api-key': 'azure-key' };
const BODY = { messages: [{ role: 'user', content: 'Hello there' }] };

before(async () => {
  mock = await startMock({ port: 0 });
  base = `${mock.url}/openai/deployments/my-gpt4o`;
});
after(() => mock.close());

test('requires the api-version query parameter (400)', async () => {
  const res = await postJson(`${base}/chat/completions`, BODY, KEY);
  assert.equal(res.status, 400);
  assert.equal(parse<{ error: { code: string } }>(res.text).error.code, 'MissingApiVersionParameter');
});

test('requires the api-key header (401, Azure error shape); Bearer alone is not enough', async () => {
  const url = `${base}/chat/completions?api-version=2024-10-21`;
  const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer azure-key' }];
  for (const headers of attempts) {
    const res = await postJson(url, BODY, headers);
    assert.equal(res.status, 401);
    const err = parse<{ error: { code: string; message: string } }>(res.text).error;
    assert.equal(err.code, '401');
    assert.match(err.message, /Access denied/);
  }
});

test('with requireKey, a wrong api-key gets 401', async () => {
  const locked = await startMock({ port: 0, requireKey: 'right' });
  try {
    const url = `${locked.url}/openai/deployments/d/chat/completions?api-version=2024-10-21`;
    assert.equal((await postJson(url, BODY, { 'api-key': 'wrong' })).status, 401);
    assert.equal((await postJson(url, BODY, { 'api-key': 'right' })).status, 200);
  } finally {
    await locked.close();
  }
});

test('answers chat without a model in the body: model is the deployment, filter results included', async () => {
  const res = await postJson(`${base}/chat/completions?api-version=2024-10-21`, BODY, KEY);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.headers.get('apim-request-id'));
  const body = parse<AzureChunk>(res.text);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'my-gpt4o');
  assert.equal(body.choices[0]?.message?.content, 'Simulated answer from my-gpt4o: lorem ipsum dolor sit amet consectetur adipiscing elit');
  assert.equal(body.prompt_filter_results?.[0]?.prompt_index, 0);
  assert.deepEqual(body.prompt_filter_results?.[0]?.content_filter_results.hate, { filtered: false, severity: 'safe' });
  assert.deepEqual(body.choices[0]?.content_filter_results?.violence, { filtered: false, severity: 'safe' });
});

test('streams start with an empty-choices prompt-filter chunk, then the OpenAI-shaped stream', async () => {
  const res = await postJson(
    `${base}/chat/completions?api-version=2024-10-21`,
    { ...BODY, stream: true, stream_options: { include_usage: true } },
    KEY,
  );
  const frames = sseData(res.text);
  assert.equal(frames.at(-1), '[DONE]');
  const chunks = frames.slice(0, -1).map((f) => parse<AzureChunk>(f));
  const first = chunks[0];
  assert.deepEqual(first?.choices, []);
  assert.equal(first?.id, '');
  assert.ok(first?.prompt_filter_results?.length);
  assert.equal(chunks[1]?.choices[0]?.delta?.role, 'assistant');
  assert.equal(chunks[1]?.model, 'my-gpt4o');
  assert.ok(chunks[2]?.choices[0]?.content_filter_results?.hate);
  assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
  assert.equal(chunks.at(-1)?.usage?.completion_tokens, 12);
});

test('embeddings route answers in OpenAI shape with the deployment as model', async () => {
  const res = await postJson(`${base}/embeddings?api-version=2024-10-21`, { input: 'abc' }, KEY);
  assert.equal(res.status, 200, res.text);
  const body = parse<{ model: string; data: { embedding: number[] }[] }>(res.text);
  assert.equal(body.model, 'my-gpt4o');
  assert.equal(body.data[0]?.embedding.length, 8);
});

test('scripted errors use Azure shape with a string code, retry headers copied', async () => {
  const res = await postJson(`${base}/chat/completions?api-version=2024-10-21`, BODY, {
    ...KEY,
    'x-mock-status': '429',
    'x-mock-retry-after-ms': '1500',
    'x-mock-retry-after': '2',
  });
  assert.equal(res.status, 429);
  assert.equal(parse<{ error: { code: string } }>(res.text).error.code, '429');
  assert.equal(res.headers.get('retry-after-ms'), '1500');
  assert.equal(res.headers.get('retry-after'), '2');
});

test('fault rules can match a deployment', async () => {
  const rule = await postJson(`${mock.url}/_mock/faults`, { match: { deployment: 'flaky' }, faults: { status: 503 }, times: 1 });
  assert.equal(rule.status, 200);
  const flaky = `${mock.url}/openai/deployments/flaky/chat/completions?api-version=2024-10-21`;
  assert.equal((await postJson(flaky, BODY, KEY)).status, 503);
  assert.equal((await postJson(flaky, BODY, KEY)).status, 200);
  // An OpenAI route has no deployment, so the rule would never have matched there.
});

test('unknown deployment operations are 404', async () => {
  const res = await rawRequest(`${base}/images/generations?api-version=2024-10-21`, { method: 'POST', body: '{}', headers: KEY });
  assert.equal(res.status, 404);
});
