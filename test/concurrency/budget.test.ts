// M2–M4 with real concurrency, one gateway process: budgets hold exactly, every applicable one is
// checked, the worst case is what admission reserves, and the gateway's spend equals what the
// simulator billed. (Rate limits: rate-limits.test.ts; token classes and partial bills:
// test/e2e/governance-billing.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, fire, governedConfig, INPUT_NANOS_PER_TOKEN, OUTPUT_NANOS_PER_TOKEN, PROMPT } from '../helpers/governed-config.js';

const TINY_KEY = 'sk-tiny-budget-0123456789ab';
const OTHER_KEY = 'sk-other-key-0123456789abc';
const FAILS_KEY = 'sk-fails-key-0123456789abc';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-spool-')), 'spool.jsonl'),
        keys: `  - { name: tiny, key: ${TINY_KEY}, budget: { usd: 0.01, period: none } }
  - { name: other, key: ${OTHER_KEY} }
  - { name: fails, key: ${FAILS_KEY}, budget: { usd: 10, period: monthly } }`,
        models: `  metered:
    deployments: [ { provider: sim, model: sim-model-1 } ]
    budget: { usd: 0.005, period: daily }`,
      }),
  });
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

test('M3: a team key still answers to its user budget, under a concurrent burst', async () => {
  // alice: $0.02 a day; her team: $100 a month. Every request must pass both (and the org).
  const results = await fire(20, 20, () => post('sk-alice-team-0123456789ab'));
  const admitted = results.filter((r) => r.status === 200).length;
  assert.ok(admitted >= 1 && admitted < 20, `${admitted} admitted`);
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 429);
    const e = (JSON.parse(r.body) as { error: { code: string; scope: string; period: string } }).error;
    assert.deepEqual([e.code, e.scope, e.period], ['budget_exceeded', 'user:alice', 'daily'], 'the user budget stops the key although the team has $100');
  }
  const [user, team, org] = await Promise.all(['user:alice', 'team:search', 'org:acme'].map((s) => admin(`/admin/spend?scope=${s}`)));
  assert.ok(BigInt(user!['spend_nanos'] as string) <= 20_000_000n, 'within the user budget');
  assert.equal(team!['spend_nanos'], user!['spend_nanos'], 'the team was charged for the same requests');
  assert.equal(org!['spend_nanos'], user!['spend_nanos'], 'and the org');
  assert.equal(user!['requests'], admitted);
});
interface BudgetError {
  code: string;
  scope: string;
  limit: number;
  spent: number;
  request_max_cost: number;
  period: string;
}
const budgetError = async (r: Response) => ((await r.json()) as { error: BudgetError }).error;

test('M2: admission reserves the worst case — max_tokens × n, else the model output limit — at the output price', async () => {
  // $0.01 fits one request capped at 12 output tokens ($0.0024 of output), not one that may write
  // 100 ($0.02) or, uncapped, the model's 64-token limit ($0.0128).
  const ask = (extra: Record<string, unknown>) => post(TINY_KEY, chatBody(extra));
  const capped = await ask({ max_tokens: 100 });
  assert.equal(capped.status, 429);
  const e100 = await budgetError(capped);
  assert.deepEqual([e100.code, e100.scope, e100.limit, e100.spent, e100.period], ['budget_exceeded', 'key:cfg:tiny', 0.01, 0, 'none']);
  const uncapped = await post(TINY_KEY, JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: PROMPT }] }));
  assert.equal(uncapped.status, 429);
  const e64 = await budgetError(uncapped);
  // Same prompt, so the difference is the output part alone: (100 − 64) × $0.0002.
  assert.equal(Math.round((e100.request_max_cost - e64.request_max_cost) * 1e9), 36 * 200_000);
  const twice = await ask({ max_tokens: 30, n: 2 });
  assert.equal(twice.status, 429);
  assert.equal(Math.round(((await budgetError(twice)).request_max_cost - e64.request_max_cost) * 1e9), (60 - 64) * 200_000, 'n multiplies max_tokens');
  // The input part is a real tokenizer's count of the prompt: more than zero, far less than the output part.
  const inputPart = e64.request_max_cost - 64 * 0.0002;
  assert.ok(inputPart > 0 && inputPart < 0.005, `input part $${inputPart}`);
  const fits = await ask({ max_tokens: 12 });
  assert.equal(fits.status, 200, await fits.text());
});

test('a failed request gives its reservation back and costs nothing', async () => {
  const held = { 'x-mock-barrier': '2', 'x-mock-barrier-id': 'fails', 'x-mock-barrier-timeout-ms': '10000' };
  // While it is in flight, its worst case is reserved; once the provider refuses it, nothing is.
  const pending = post(FAILS_KEY, chatBody(), { ...held, 'x-mock-status': '400' });
  let during: Record<string, unknown> = {};
  for (let t = 0; t < 400 && !(BigInt((during = await admin('/admin/spend?scope=key:cfg:fails'))['reserved_nanos'] as string) > 0n); t++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(BigInt(during['reserved_nanos'] as string) > 0n, 'the worst case is reserved while the request runs');
  await (await post(KEY, chatBody(), held)).text();
  const r = await pending;
  assert.equal(r.status, 400);
  await r.text();
  const after = await admin('/admin/spend?scope=key:cfg:fails');
  assert.deepEqual([after['spend_nanos'], after['reserved_nanos'], after['requests'], after['in_flight']], ['0', '0', 1, 0]);
  const rows = (await admin('/admin/logs?key=cfg:fails')) as unknown as { data: Array<{ cost_nanos: string; status: number }> };
  assert.deepEqual(rows.data.map((x) => [x.status, x.cost_nanos]), [[400, '0']]);
});

test("M3: a model group's budget applies to every key that calls it, and names the group", async () => {
  const first = await post(OTHER_KEY, chatBody({ model: 'metered' }));
  assert.equal(first.status, 200);
  await first.text();
  const second = await post(KEY, chatBody({ model: 'metered' }));
  assert.equal(second.status, 429, 'another key, the same group budget');
  const e = await budgetError(second);
  assert.deepEqual([e.code, e.scope, e.limit, e.period], ['budget_exceeded', 'model:metered', 0.005, 'daily']);
  assert.ok(Number(second.headers.get('retry-after')) >= 1, 'until the period ends');
  const spend = await admin('/admin/spend?scope=model:metered');
  assert.equal(spend['budget_usd'], 0.005);
  assert.ok(BigInt(spend['spend_nanos'] as string) > 0n);
});
