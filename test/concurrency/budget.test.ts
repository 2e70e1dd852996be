// M2–M6, M10 with real concurrency, one gateway process: budgets and limits hold exactly, and the
// gateway's spend equals what the simulator billed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, fire, governedConfig, INPUT_NANOS_PER_TOKEN, OUTPUT_NANOS_PER_TOKEN } from '../helpers/governed-config.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-spool-')), 'spool.jsonl') }) });
});
after(async () => h.close());

const post = (key: string, body = chatBody(), headers: Record<string, string> = {}) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body });

const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

interface MockStats {
  by_model: Record<string, { requests: number; prompt_tokens: number; completion_tokens: number }>;
}
const mockStats = async () => (await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as MockStats;

test('M2/M4: a $1.00 budget hit by 500 requests at concurrency 64 admits no more than fits, and spend equals the bill', async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
  const results = await fire(500, 64, () => post('sk-budgeted-0123456789abcdef', chatBody(), { 'x-mock-latency-ms': '5-25' }));
  const admitted = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status !== 200);
  for (const r of refused) {
    assert.equal(r.status, 429, r.body);
    const e = JSON.parse(r.body) as { error: { code: string; scope: string } };
    assert.equal(e.error.code, 'budget_exceeded');
    assert.equal(e.error.scope, 'key:cfg:budgeted');
  }
  const stats = (await mockStats()).by_model['sim-model-1']!;
  assert.equal(stats.requests, admitted.length, 'every admitted request reached the provider once');
  const billed = BigInt(stats.prompt_tokens) * INPUT_NANOS_PER_TOKEN + BigInt(stats.completion_tokens) * OUTPUT_NANOS_PER_TOKEN;
  const perRequest = billed / BigInt(admitted.length);
  const budget = 1_000_000_000n;
  assert.ok(billed <= budget + perRequest, `billed ${billed} passes the budget by more than one request (${perRequest})`);
  const fits = Number(budget / perRequest);
  assert.ok(admitted.length >= Math.floor(0.9 * fits), `admitted ${admitted.length} of the ${fits} that fit`);
  const spend = await admin('/admin/spend?scope=key:cfg:budgeted');
  assert.equal(BigInt(spend['spend_nanos'] as string), billed, 'gateway spend equals the simulator bill exactly');
  assert.equal(BigInt(spend['reserved_nanos'] as string), 0n, 'no reservation leaks');
  // Each admitted response's receipt carries its exact cost.
  const receipts = admitted.map((r) => BigInt(Math.round(Number(r.headers.get('x-tollgate-cost-usd')) * 1e9)));
  assert.equal(receipts.reduce((a, b) => a + b, 0n), billed);
  assert.match(admitted[0]!.headers.get('x-tollgate-enforcement')!, /budget=exact/);
  const rec = await admin('/admin/reconcile');
  assert.equal(rec['ok'], true, JSON.stringify(rec));
});

test('M5: RPM is exact under a simultaneous burst, with Retry-After and the limit named', async () => {
  const results = await fire(30, 30, () => post('sk-rpm10-0123456789abcdef'));
  const ok = results.filter((r) => r.status === 200).length;
  assert.equal(ok, 10);
  const refused = results.find((r) => r.status === 429)!;
  const e = JSON.parse(refused.body) as { error: { code: string; limit: number; scope: string; message: string } };
  assert.equal(e.error.code, 'rate_limit_rpm');
  assert.equal(e.error.limit, 10);
  assert.equal(e.error.scope, 'key:cfg:rpm10');
  assert.match(e.error.message, /10 requests per minute/);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
});

test('M2/M5: a simultaneous burst stays within one request of the TPM limit', async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
  const results = await fire(100, 100, () => post('sk-tpm-0123456789abcdefgh', chatBody(), { 'x-mock-latency-ms': '20' }));
  const admitted = results.filter((r) => r.status === 200).length;
  const stats = (await mockStats()).by_model['sim-model-1']!;
  const tokens = stats.prompt_tokens + stats.completion_tokens;
  const perRequest = tokens / admitted;
  assert.ok(admitted > 0);
  assert.ok(tokens <= 1000 + perRequest, `${tokens} tokens admitted against a 1000 TPM limit`);
  const refused = results.find((r) => r.status === 429)!;
  assert.equal((JSON.parse(refused.body) as { error: { code: string } }).error.code, 'rate_limit_tpm');
});

test('concurrency limits cap requests in flight', async () => {
  const results = await fire(10, 10, () => post('sk-parallel2-0123456789abcd', chatBody(), { 'x-mock-latency-ms': '200' }));
  assert.equal(results.filter((r) => r.status === 200).length, 2);
  assert.equal((JSON.parse(results.find((r) => r.status === 429)!.body) as { error: { code: string } }).error.code, 'concurrency_limit');
});

test('M3: a team key still answers to its user budget', async () => {
  let refused: { status: number; body: string } | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    const r = await post('sk-alice-team-0123456789ab');
    if (r.status !== 200) refused = { status: r.status, body: await r.text() };
    else await r.text();
  }
  assert.ok(refused, 'the user budget ($0.02) stops the key although the team has $100');
  const e = JSON.parse(refused.body) as { error: { code: string; scope: string; period: string } };
  assert.equal(e.error.code, 'budget_exceeded');
  assert.equal(e.error.scope, 'user:alice');
  assert.equal(e.error.period, 'daily');
  const team = await admin('/admin/spend?scope=team:search');
  const user = await admin('/admin/spend?scope=user:alice');
  assert.equal(team['spend_nanos'], user['spend_nanos'], 'the team was charged for the same requests');
});

test('M6: a budgeted key may not call a model with no known price', async () => {
  const r = await post('sk-budgeted-0123456789abcdef', chatBody({ model: 'unpriced' }));
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'no_price_for_model');
  const plain = await post('sk-test-key-0123456789abcdef', chatBody({ model: 'unpriced' }));
  assert.equal(plain.status, 200, 'an unbudgeted key may');
});

test('M10: a stream cut mid-way is billed for what was produced', async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
  const before = BigInt((await admin('/admin/spend?scope=key:cfg:plain'))['spend_nanos'] as string);
  const r = await post('sk-test-key-0123456789abcdef', chatBody({ stream: true }), { 'x-mock-cut-after': '4', 'x-mock-chunk-delay-ms': '5' });
  assert.equal(r.status, 200);
  await r.text();
  await new Promise((res) => setTimeout(res, 100));
  const after = BigInt((await admin('/admin/spend?scope=key:cfg:plain'))['spend_nanos'] as string);
  assert.ok(after > before, 'the partial stream was billed');
  const logs = (await admin('/admin/logs?key=cfg:plain&limit=1')) as { data: Array<{ status: number; error_code: string; output_tokens: number; cost_nanos: string }> };
  assert.equal(logs.data[0]!.error_code, 'upstream_stream_incomplete');
  assert.ok(logs.data[0]!.output_tokens >= 4);
});
