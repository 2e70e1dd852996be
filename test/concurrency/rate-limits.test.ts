// M2, M5 with real concurrency, one gateway process: RPM, TPM and concurrency limits hold exactly
// under simultaneous bursts (held at the simulator's barrier, so no admitted request settles
// before the last admission decision), and every refusal is a 429 with Retry-After that names the
// limit, its value and the scope.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, fire, governedConfig, heldBurst } from '../helpers/governed-config.js';

const TPM_PROBE_KEY = 'sk-tpm-probe-0123456789abcd';
const TPM_BOTH_KEY = 'sk-tpm-rpm-0123456789abcde';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-limits-')), 'spool.jsonl'),
        keys: `  - { name: tpm-probe, key: ${TPM_PROBE_KEY}, limits: { tpm: 1 } }
  - { name: tpm-rpm, key: ${TPM_BOTH_KEY}, limits: { rpm: 1000, tpm: 100000 } }`,
      }),
  });
});
after(async () => h.close());

const post = (key: string, headers: Record<string, string> = {}, body = chatBody()) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body });
const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

interface LimitError {
  code: string;
  scope: string;
  limit: number;
  current: number;
  requested: number;
  message: string;
}
const errorOf = (body: string) => (JSON.parse(body) as { error: LimitError }).error;

test('M5: RPM is exact under a simultaneous burst, with Retry-After and the limit named', async () => {
  const results = await fire(30, 30, () => post('sk-rpm10-0123456789abcdef'));
  assert.equal(results.filter((r) => r.status === 200).length, 10);
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 429);
    const e = errorOf(r.body);
    assert.deepEqual([e.code, e.limit, e.scope, e.current], ['rate_limit_rpm', 10, 'key:cfg:rpm10', 10]);
    assert.match(e.message, /10 requests per minute/);
    const retry = Number(r.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  }
});

test('M2: a simultaneous burst stays within the TPM limit: exactly what fits is admitted, then corrected to actual usage', async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
  // What one request reserves (prompt estimate + max_tokens), from a key that can never fit one.
  const probe = await post(TPM_PROBE_KEY);
  assert.equal(probe.status, 429);
  const reserved = errorOf(await probe.text()).requested;
  assert.ok(reserved > 12, 'the reservation counts the prompt and max_tokens');
  const fits = Math.floor(1000 / reserved);

  const { results } = await heldBurst({
    mockUrl: h.mockUrl,
    total: 100,
    id: 'tpm-burst',
    expectAdmitted: fits,
    send: (_i, barrier) => post('sk-tpm-0123456789abcdefgh', barrier),
    release: (barrier) => post(KEY, barrier),
  });
  const admitted = results.filter((r) => r.status === 200).length;
  assert.equal(admitted, fits, `${fits} reservations of ${reserved} tokens fit in 1000`);
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 429, r.body);
    const e = errorOf(r.body);
    assert.deepEqual([e.code, e.limit, e.scope, e.requested], ['rate_limit_tpm', 1000, 'key:cfg:tpm', reserved]);
    assert.ok(e.current + reserved > 1000 && e.current <= 1000);
    assert.match(e.message, /1000 tokens per minute/);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  // Input + output, as the provider counted them: within the limit (the reservation bounds them).
  const sim = ((await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { by_model: Record<string, { requests: number; prompt_tokens: number; completion_tokens: number }> }).by_model['sim-model-1']!;
  const tokens = sim.prompt_tokens + sim.completion_tokens;
  assert.ok(tokens <= 1000, `${tokens} tokens admitted against a 1000 TPM limit`);
  // Settlement replaced each estimate by the provider-reported count (the release request is on
  // another key, so subtract its share).
  const perRequest = tokens / sim.requests;
  const spend = await admin('/admin/spend?scope=key:cfg:tpm');
  assert.equal(spend['tokens_last_minute'], perRequest * admitted, 'the window holds actual usage after settlement');
  assert.ok(perRequest * admitted < reserved * admitted);
});

test('M5: TPM and RPM are separate windows: tokens never count as requests, nor requests as tokens', async () => {
  const results = await fire(20, 20, () => post(TPM_BOTH_KEY));
  assert.ok(results.every((r) => r.status === 200));
  const s = await admin('/admin/spend?scope=key:cfg:tpm-rpm');
  assert.equal(s['requests_last_minute'], 20);
  const tokens = s['tokens_last_minute'] as number;
  assert.ok(tokens > 20 * 12 && tokens % 20 === 0, `${tokens} tokens: input + output of 20 identical requests`);
});

test('a concurrency limit caps requests in flight exactly, and says so with Retry-After', async () => {
  const barrier = { 'x-mock-barrier': '3', 'x-mock-barrier-id': 'parallel', 'x-mock-barrier-timeout-ms': '10000' };
  const held = [post('sk-parallel2-0123456789abcd', barrier), post('sk-parallel2-0123456789abcd', barrier)];
  const waiting = async () => ((await (await fetch(`${h.mockUrl}/_mock/barriers?id=parallel`)).json()) as { waiting: number }).waiting;
  for (let t = 0; t < 400 && (await waiting()) < 2; t++) await new Promise((r) => setTimeout(r, 25));
  // Two in flight: every further request is refused, however many arrive at once.
  const refused = await fire(10, 10, () => post('sk-parallel2-0123456789abcd'));
  for (const r of refused) {
    assert.equal(r.status, 429, r.body);
    const e = errorOf(r.body);
    assert.deepEqual([e.code, e.limit, e.current, e.scope], ['concurrency_limit', 2, 2, 'key:cfg:parallel2']);
    assert.equal(r.headers.get('retry-after'), '1');
  }
  const release = post(KEY, barrier);
  assert.deepEqual((await Promise.all(held)).map((r) => r.status), [200, 200]);
  assert.equal((await release).status, 200);
  assert.equal((await post('sk-parallel2-0123456789abcd')).status, 200, 'the slots are free again');
});
