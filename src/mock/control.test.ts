import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsJson } from './ledger.js';
import { postJson, rawRequest } from './raw-http.js';
import type { RecordedRequest } from './recorder.js';
import { startMock, type RunningMock } from './server.js';

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

let mock: RunningMock;
let chatUrl: string;
// "Hello there": ceil(11/4) + 3 = 6 prompt tokens.
const HELLO = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

before(async () => {
  mock = await startMock({ port: 0 });
  chatUrl = `${mock.url}/v1/chat/completions`;
});
after(() => mock.close());
beforeEach(async () => {
  await postJson(`${mock.url}/_mock/reset`, {});
});

async function stats(): Promise<StatsJson> {
  return parse<StatsJson>((await rawRequest(`${mock.url}/_mock/stats`)).text);
}

async function addRule(rule: unknown): Promise<string> {
  const res = await postJson(`${mock.url}/_mock/faults`, rule);
  assert.equal(res.status, 200, res.text);
  return parse<{ id: string }>(res.text).id;
}

test('a fault rule with times applies to that many matching requests, then stops', async () => {
  const id = await addRule({ match: { model: 'gpt-4o-mini' }, faults: { status: 429, retry_after: 3 }, times: 2 });
  assert.match(id, /^fault_/);
  const other = await postJson(chatUrl, { ...HELLO, model: 'other' });
  assert.equal(other.status, 200, 'another model is not matched');
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const res = await postJson(chatUrl, HELLO);
    statuses.push(res.status);
    if (res.status === 429) assert.equal(res.headers.get('retry-after'), '3');
  }
  assert.deepEqual(statuses, [429, 429, 200]);
  const list = parse<{ data: unknown[] }>((await rawRequest(`${mock.url}/_mock/faults`)).text);
  assert.deepEqual(list.data, []);
});

test('a rule without times lasts until DELETE /_mock/faults; header faults override it field by field', async () => {
  await addRule({ faults: { output_tokens: 2, latency_ms: '0-1' } });
  const a = parse<{ usage: { completion_tokens: number } }>((await postJson(chatUrl, HELLO)).text);
  assert.equal(a.usage.completion_tokens, 2);
  const b = parse<{ usage: { completion_tokens: number } }>((await postJson(chatUrl, HELLO, { 'x-mock-output-tokens': '5' })).text);
  assert.equal(b.usage.completion_tokens, 5);
  const listed = parse<{ data: { faults: unknown; remaining: number | null }[] }>((await rawRequest(`${mock.url}/_mock/faults`)).text);
  assert.deepEqual(listed.data[0]?.faults, { latency_ms: '0-1', output_tokens: 2 });
  assert.equal(listed.data[0]?.remaining, null);

  const del = await rawRequest(`${mock.url}/_mock/faults`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  const c = parse<{ usage: { completion_tokens: number } }>((await postJson(chatUrl, HELLO)).text);
  assert.equal(c.usage.completion_tokens, 12);
});

test('rule-driven stream faults work like their headers', async () => {
  await addRule({ match: { model: 'cut-me' }, faults: { cut_after: 1 }, times: 1 });
  const res = await postJson(chatUrl, { ...HELLO, model: 'cut-me', stream: true });
  assert.equal(res.aborted, true);
  assert.equal(res.text.includes('[DONE]'), false);
});

test('malformed rules are refused with 400', async () => {
  const bad: unknown[] = [
    { faults: { status: 'x' } },
    { faults: { nonsense: 1 } },
    { faults: {}, times: 0 },
    { match: { region: 'eu' }, faults: {} },
    'not an object',
  ];
  for (const rule of bad) {
    const res = await postJson(`${mock.url}/_mock/faults`, rule);
    assert.equal(res.status, 400, JSON.stringify(rule));
  }
  assert.equal((await postJson(`${mock.url}/_mock/faults`, '{oops')).status, 400);
});

test('stats bill exactly what was served: full answers, partial streams, embeddings; not scripted errors', async () => {
  await postJson(chatUrl, HELLO); // 6 + 12
  await postJson(chatUrl, HELLO, { 'x-mock-cached-tokens': '2', 'x-mock-reasoning-tokens': '3' }); // 6 + 15
  await postJson(chatUrl, { ...HELLO, stream: true }, { 'x-mock-cut-after': '4' }); // 6 + 4
  await postJson(chatUrl, { ...HELLO, stream: true }, { 'x-mock-error-after': '5', 'x-mock-reasoning-tokens': '1' }); // 6 + 6
  await postJson(chatUrl, HELLO, { 'x-mock-status': '429' }); // not billed
  await postJson(chatUrl, { model: 'gpt-4o-mini' }); // 400, not billed
  await postJson(`${mock.url}/v1/embeddings`, { model: 'emb', input: ['abcdefgh', 'x'] }); // 2 + 1

  const s = await stats();
  assert.deepEqual(s, {
    requests: 5,
    received: 7,
    errors: 2,
    by_model: {
      'gpt-4o-mini': { requests: 4, prompt_tokens: 24, completion_tokens: 37, cached_tokens: 2, reasoning_tokens: 4 },
      emb: { requests: 1, prompt_tokens: 3, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0 },
    },
  });
});

test('M10: a client that leaves a paced stream early is billed the prompt plus the tokens already sent', async () => {
  const ac = new AbortController();
  const res = await fetch(chatUrl, {
    method: 'POST',
    body: JSON.stringify({ ...HELLO, model: 'leaver', stream: true }),
    headers: { 'x-mock-chunk-delay-ms': '25' },
    signal: ac.signal,
  });
  const reader = res.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  let text = '';
  while ((text.match(/"content":"[^"]/g) ?? []).length < 3) {
    const { value } = await reader.read();
    text += decoder.decode(value, { stream: true });
  }
  ac.abort();
  let billed: StatsJson['by_model'][string] | undefined;
  for (let i = 0; i < 200 && billed === undefined; i++) {
    billed = (await stats()).by_model.leaver;
    if (billed === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(billed, 'the broken stream was billed');
  assert.equal(billed.prompt_tokens, 6);
  assert.ok(billed.completion_tokens >= 3 && billed.completion_tokens < 12, `billed ${billed.completion_tokens}`);
});

test('stats match the usage the client was shown', async () => {
  let prompt = 0;
  let completion = 0;
  for (const tokens of ['1', '7', '30']) {
    const body = parse<{ usage: { prompt_tokens: number; completion_tokens: number } }>(
      (await postJson(chatUrl, { ...HELLO, model: 'sum' }, { 'x-mock-output-tokens': tokens })).text,
    );
    prompt += body.usage.prompt_tokens;
    completion += body.usage.completion_tokens;
  }
  const s = await stats();
  assert.equal(s.by_model.sum?.prompt_tokens, prompt);
  assert.equal(s.by_model.sum?.completion_tokens, completion);
  assert.equal(completion, 38);
});

test('the recorder returns the last N requests, newest last, with the exact raw body', async () => {
  const raw = '{ "model" : "gpt-4o-mini",\n "messages":[{"role":"user","content":"ünïcode ✓"}] }';
  await postJson(chatUrl, { ...HELLO, model: 'first' });
  await postJson(`${chatUrl}?trace=1`, raw, { 'x-custom': 'yes' });
  const got = parse<RecordedRequest[]>((await rawRequest(`${mock.url}/_mock/requests?limit=1`)).text);
  assert.equal(got.length, 1);
  const r = got[0];
  assert.equal(r?.method, 'POST');
  assert.equal(r?.path, '/v1/chat/completions');
  assert.deepEqual(r?.query, { trace: '1' });
  assert.equal(r?.headers['x-custom'], 'yes');
  assert.equal(r?.body, raw);

  const both = parse<RecordedRequest[]>((await rawRequest(`${mock.url}/_mock/requests`)).text);
  assert.equal(both.length, 2);
  assert.match(both[0]?.body ?? '', /"first"/);
});

test('the recorder keeps at most 200 requests', async () => {
  await Promise.all(Array.from({ length: 210 }, (_, i) => postJson(chatUrl, { ...HELLO, model: `m${i}` })));
  const got = parse<RecordedRequest[]>((await rawRequest(`${mock.url}/_mock/requests?limit=1000`)).text);
  assert.equal(got.length, 200);
});

test('reset clears stats, recorded requests and fault rules', async () => {
  await addRule({ faults: { status: 500 } });
  await postJson(chatUrl, HELLO);
  await postJson(`${mock.url}/_mock/reset`, {});
  assert.deepEqual(await stats(), { requests: 0, received: 0, errors: 0, by_model: {} });
  assert.deepEqual(parse<unknown[]>((await rawRequest(`${mock.url}/_mock/requests`)).text), []);
  assert.equal((await postJson(chatUrl, HELLO)).status, 200);
});
