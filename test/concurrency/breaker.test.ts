// R2 under real concurrency: 50 requests at once against a deployment that fails every call. The
// calls it receives are bounded by what was already in flight when the breaker opened, plus the
// half-open probes — in one process (memory state) and across two processes sharing Redis, where
// the second replica, which had just seen the deployment healthy, sees the breaker open within a second.
// The same bounds hold for a breaker opened by its failure rate rather than by consecutive failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMock } from '../../src/mock/server.js';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { ADMIN_KEY, KEY } from '../helpers/harness.js';
import { redisMissing, startRedis } from '../helpers/services.js';

const WAVE = 50;
const COOLDOWN_MS = 3_000;
/** How long a replica trusts a closed breaker it saw without asking the store again (inference.ts). */
const FRESH_MS = 1_000;

/** Consecutive failures (one is enough), or a failure rate that 100 consecutive failures never reach. */
const CONSECUTIVE = `{ failures: 1, cooldown: ${COOLDOWN_MS}ms }`;
const RATE = `{ failures: 100, cooldown: ${COOLDOWN_MS}ms, failure_rate: { ratio: 0.5, min_requests: 6, window: 1m } }`;

function config(mockUrl: string, dir: string, stateUrl: string, breaker: string): string {
  return `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
state: { url: "${stateUrl}" }
governance: { spool_path: ${join(dir, 'spool.jsonl')} }
providers:
  doomed:
    type: openai-compatible
    base_url: ${mockUrl}/v1
    forward_headers: [x-mock-*]
    breaker: ${breaker}
models:
  chat:
    deployments: [ { provider: doomed, model: doomed-model } ]
keys:
  - { name: test, key: ${KEY} }
`;
}

async function startGateways(n: number, mockUrl: string, stateUrl: string, breaker = CONSECUTIVE): Promise<CliProcess[]> {
  const out: CliProcess[] = [];
  for (let i = 0; i < n; i++) {
    const dir = mkdtempSync(join(tmpdir(), `tg-breaker-${i}-`));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, config(mockUrl, dir, stateUrl, breaker));
    out.push(await startCli(['start', '--config', configPath]));
  }
  return out;
}

/** `count` requests at once; every upstream call fails with 503 (after the barrier, if any). */
async function wave(urls: readonly string[], count: number, barrier?: string): Promise<number[]> {
  const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-mock-status': '503' };
  if (barrier) Object.assign(headers, { 'x-mock-barrier': String(count), 'x-mock-barrier-id': barrier, 'x-mock-barrier-timeout-ms': '5000' });
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  const res = await Promise.all(Array.from({ length: count }, (_, i) => fetch(`${urls[i % urls.length]}/v1/chat/completions`, { method: 'POST', headers, body })));
  await Promise.all(res.map((r) => r.arrayBuffer()));
  return res.map((r) => r.status);
}

async function received(mockUrl: string): Promise<number> {
  return ((await (await fetch(`${mockUrl}/_mock/stats`)).json()) as { received: number }).received;
}

async function reset(mockUrl: string): Promise<void> {
  await fetch(`${mockUrl}/_mock/reset`, { method: 'POST' });
}

/**
 * The bound, phase by phase: all in flight → exactly WAVE calls; open → none; after cooldown → one
 * probe. `warm`: the later replica first serves a call itself, so it holds the breaker as closed and
 * fresh when another replica opens it — and must see it open within a second all the same.
 */
async function proveBound(mockUrl: string, first: readonly string[], later: readonly string[], warm = false): Promise<void> {
  if (warm) {
    const ok = await fetch(`${later[0]}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(ok.status, 200);
  }
  await reset(mockUrl);
  const w1 = await wave(first, WAVE, `w1-${Date.now()}`);
  assert.ok(w1.every((s) => s === 503), `wave 1 statuses ${[...new Set(w1)]}`);
  // Each failing request's retry asked the store after recording its own failure: it saw the breaker open.
  assert.equal(await received(mockUrl), WAVE, 'only the calls already in flight reached the deployment');
  if (warm) await sleep(FRESH_MS + 100);
  await proveOpenBound(mockUrl, first, later);
}

/** Breaker state as /admin/deployments reports it (read from the state store). */
async function breakerView(url: string): Promise<{ state: string; consecutive_failures: number }> {
  const r = await fetch(`${url}/admin/deployments`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = (await r.json()) as { deployments: Array<{ id: string; breaker: { state: string; consecutive_failures: number } }> };
  return body.deployments.find((d) => d.id === 'doomed/doomed-model')!.breaker;
}

/**
 * Opens the RATE breaker: requests that alternate success and failure (never 100 failures in a
 * row) until half the calls of the window failed. Returns the consecutive failures when it opened.
 */
async function openByRate(url: string): Promise<number> {
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  for (let i = 0; i < 20; i++) {
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    if (i % 2 === 1) headers['x-mock-status'] = '503';
    await (await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body })).arrayBuffer();
    const b = await breakerView(url);
    if (b.state === 'open') return b.consecutive_failures;
  }
  assert.fail('the failure rate never opened the breaker');
}

/** Once open: 50 at once → no call; after the cooldown → exactly one probe; its failure re-opens. */
async function proveOpenBound(mockUrl: string, first: readonly string[], later: readonly string[]): Promise<void> {
  await reset(mockUrl);
  const w2 = await wave(later, WAVE);
  assert.ok(w2.every((s) => s === 503), `wave 2 statuses ${[...new Set(w2)]}`);
  assert.equal(await received(mockUrl), 0, 'no call reaches an open breaker');

  await sleep(COOLDOWN_MS + 300);
  await reset(mockUrl);
  const t0 = Date.now();
  await wave(later, WAVE);
  // One probe per cooldown: the failed probe re-opens the breaker, and only a wave still running a
  // whole cooldown later (a loaded machine) may legitimately send the next one.
  const probes = 1 + Math.floor((Date.now() - t0) / COOLDOWN_MS);
  const calls = await received(mockUrl);
  assert.ok(calls >= 1 && calls <= probes, `after the cooldown, ${calls} calls: exactly one half-open probe per cooldown (${probes} allowed)`);
  // The probe failed: open again, and a later failure only ever lengthens the cooldown.
  await reset(mockUrl);
  await wave([...first, ...later], WAVE);
  assert.equal(await received(mockUrl), 0, 'the failed probe re-opened the breaker');
}

describe('R2: breaker bounds under 50 concurrent requests', () => {
  test('one process, memory state', async () => {
    const mock = await startMock({ port: 0 });
    const [g] = await startGateways(1, mock.url, 'memory://');
    try {
      await proveBound(mock.url, [g!.url], [g!.url]);
    } finally {
      g!.child.kill('SIGTERM');
      await g!.exited;
      await mock.close();
    }
  });

  const skip = redisMissing();
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  before(async () => {
    if (!skip) redis = await startRedis();
  });
  after(async () => redis?.stop());

  test('two processes sharing Redis: the other replica, which had just seen it healthy, sees the open breaker within a second', { skip }, async () => {
    const mock = await startMock({ port: 0 });
    const gs = await startGateways(2, mock.url, redis!.url);
    try {
      // Wave 1 only through the first replica; waves 2 and 3 only through the second, which had
      // just seen the deployment healthy: it sees the breaker open within a second.
      await proveBound(mock.url, [gs[0]!.url], [gs[1]!.url], true);
    } finally {
      for (const g of gs) g.child.kill('SIGTERM');
      await Promise.all(gs.map((g) => g.exited));
      await mock.close();
    }
  });
});

describe('R2: a breaker opened by its failure rate holds the same bounds', () => {
  test('one process, memory state', async () => {
    const mock = await startMock({ port: 0 });
    const [g] = await startGateways(1, mock.url, 'memory://', RATE);
    try {
      assert.ok((await openByRate(g!.url)) < 100, 'opened by the rate, not by consecutive failures');
      await proveOpenBound(mock.url, [g!.url], [g!.url]);
    } finally {
      g!.child.kill('SIGTERM');
      await g!.exited;
      await mock.close();
    }
  });

  const skip = redisMissing();
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  before(async () => {
    if (!skip) redis = await startRedis();
  });
  after(async () => redis?.stop());

  test('two processes sharing Redis: opened through one, held by the other', { skip }, async () => {
    const mock = await startMock({ port: 0 });
    const gs = await startGateways(2, mock.url, redis!.url, RATE);
    try {
      assert.ok((await openByRate(gs[0]!.url)) < 100, 'opened by the rate, not by consecutive failures');
      await proveOpenBound(mock.url, [gs[0]!.url], [gs[1]!.url]);
    } finally {
      for (const g of gs) g.child.kill('SIGTERM');
      await Promise.all(gs.map((g) => g.exited));
      await mock.close();
    }
  });
});
