import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BarrierBook } from './barrier.js';
import { postJson, type RawResponse } from './raw-http.js';
import { startMock, type RunningMock } from './server.js';

let mock: RunningMock;
let chatUrl: string;
const HELLO = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

before(async () => {
  mock = await startMock({ port: 0 });
  chatUrl = `${mock.url}/v1/chat/completions`;
});
after(() => mock.close());

async function waiting(id: string): Promise<number> {
  const res = await fetch(`${mock.url}/_mock/barriers?id=${encodeURIComponent(id)}`);
  return ((await res.json()) as { waiting: number }).waiting;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('holds requests until K are waiting, then releases them together', async () => {
  const arrived: number[] = [];
  const send = (): Promise<RawResponse> =>
    postJson(chatUrl, HELLO, { 'x-mock-barrier': '3', 'x-mock-barrier-id': 'together' }).then((r) => {
      arrived.push(Date.now());
      return r;
    });
  const first = [send(), send()];
  await until(async () => (await waiting('together')) === 2, 'two waiters');
  await sleep(50);
  assert.equal(arrived.length, 0, 'nobody is released before the third arrives');
  const thirdSent = Date.now();
  const all = await Promise.all([...first, send()]);
  for (const r of all) assert.equal(r.status, 200);
  for (const t of arrived) assert.ok(t >= thirdSent);
  assert.equal(await waiting('together'), 0);

  // The id is free again for the next round.
  const again = await Promise.all([1, 2].map(() => postJson(chatUrl, HELLO, { 'x-mock-barrier': '2', 'x-mock-barrier-id': 'together' })));
  for (const r of again) assert.equal(r.status, 200);
});

test('a barrier that never fills answers 504 after its timeout', async () => {
  const started = Date.now();
  const res = await postJson(chatUrl, HELLO, {
    'x-mock-barrier': '2',
    'x-mock-barrier-id': 'lonely',
    'x-mock-barrier-timeout-ms': '100',
  });
  assert.equal(res.status, 504);
  assert.ok(Date.now() - started >= 90);
  assert.equal((JSON.parse(res.text) as { error: { code: string } }).error.code, 'barrier_timeout');
  assert.equal(await waiting('lonely'), 0);
});

test('a client that gives up while waiting no longer counts towards the release', async () => {
  const ac = new AbortController();
  const gone = fetch(chatUrl, {
    method: 'POST',
    body: JSON.stringify(HELLO),
    headers: { 'x-mock-barrier': '2', 'x-mock-barrier-id': 'quitter' },
    signal: ac.signal,
  }).catch(() => undefined);
  await until(async () => (await waiting('quitter')) === 1, 'the first waiter');
  ac.abort();
  await gone;
  await until(async () => (await waiting('quitter')) === 0, 'the waiter to leave');
});

test('the default safety timeout releases waiters as timed out', async () => {
  const book = new BarrierBook(30);
  const outcome = await book.wait('x', 2, undefined, () => undefined);
  assert.equal(outcome, 'timed_out');
  assert.equal(book.waiting('x'), 0);
});

test('a barrier of 1 never waits', async () => {
  const book = new BarrierBook(10_000);
  assert.equal(await book.wait('x', 1, undefined, () => undefined), 'released');
});
