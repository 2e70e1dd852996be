// Provider budgets (`providers.X.budget`, scope `provider:X`, one budget for the whole gateway):
// every provider and fallback group a request's plan may reach must admit it, and only the one that
// served it is billed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody } from '../helpers/governed-config.js';

function config(mockUrl: string): string {
  const spool = join(mkdtempSync(join(tmpdir(), 'tg-providers-')), 'spool.jsonl');
  // A request costs $0.0034 (10 input tokens at $100/M, 12 output at $200/M).
  return `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
logging: { level: warn }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${spool} }
providers:
  small: { type: openai-compatible, base_url: ${mockUrl}/v1, budget: { usd: 0.01, period: monthly } }
  big: { type: openai-compatible, base_url: ${mockUrl}/v1, budget: { usd: 100, period: monthly } }
  # Nothing listens on port 1: every call fails at once and the plan falls back.
  dead: { type: openai-compatible, base_url: http://127.0.0.1:1/v1, budget: { usd: 100 }, breaker: { failures: 1000 } }
  spare: { type: openai-compatible, base_url: ${mockUrl}/v1 }
pricing:
  sim-model-1: { input: 100, output: 200, max_output_tokens: 64 }
models:
  on-small: { deployments: [ { provider: small, model: sim-model-1 } ] }
  on-dead: { deployments: [ { provider: dead, model: sim-model-1 } ], fallbacks: [backup] }
  backup: { deployments: [ { provider: big, model: sim-model-1 } ], budget: { usd: 50 } }
  via-small: { deployments: [ { provider: spare, model: sim-model-1 } ], fallbacks: [on-small] }
keys:
  - { name: plain, key: ${KEY} }
`;
}

let h: Harness;
before(async () => {
  h = await startHarness({ config });
});
after(async () => h.close());

const chat = (model: string) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: chatBody({ model }) });
const spend = async (scope: string) =>
  (await (await fetch(`${h.gateway.url}/admin/spend?scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

test('a provider budget refuses by name once spent', async () => {
  assert.equal((await chat('on-small')).status, 200);
  assert.equal((await chat('on-small')).status, 200);
  const r = await chat('on-small');
  assert.equal(r.status, 429);
  const e = ((await r.json()) as { error: { code: string; scope: string; period: string } }).error;
  assert.deepEqual([e.code, e.scope, e.period], ['budget_exceeded', 'provider:small', 'monthly']);
  const s = await spend('provider:small');
  assert.deepEqual([s['spend_nanos'], s['reserved_nanos'], s['org'], s['budget_usd']], ['6800000', '0', '_providers', 0.01]);
});

test('M3: a fallback provider with no budget left refuses the request, even when the primary would serve it', async () => {
  // 'via-small' is served by 'spare' when all is well, but its plan may fall back to 'small'.
  const r = await chat('via-small');
  assert.equal(r.status, 429);
  assert.equal(((await r.json()) as { error: { scope: string } }).error.scope, 'provider:small');
});

test('only the provider and fallback group that served are billed; the others get their reservation back', async () => {
  const r = await chat('on-dead');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'big/sim-model-1');
  assert.equal(r.headers.get('x-tollgate-attempts'), '2');
  await r.text();
  const big = await spend('provider:big');
  const dead = await spend('provider:dead');
  assert.deepEqual([big['spend_nanos'], big['reserved_nanos'], big['in_flight']], ['3400000', '0', 0]);
  assert.deepEqual([dead['spend_nanos'], dead['reserved_nanos'], dead['in_flight'], dead['requests']], ['0', '0', 0, 1]);
  // The requested group counts the request; the fallback group that served it counts it too.
  assert.equal((await spend('model:on-dead'))['spend_nanos'], '3400000');
  const backup = await spend('model:backup');
  assert.deepEqual([backup['spend_nanos'], backup['reserved_nanos']], ['3400000', '0']);
  // An unbudgeted provider has no counters: the ledger answers.
  const spare = await spend('provider:spare');
  assert.equal(spare['source'], 'ledger');
  const rec = (await (await fetch(`${h.gateway.url}/admin/reconcile`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { ok: boolean; scopes: Array<{ scope: string }> };
  assert.equal(rec.ok, true, JSON.stringify(rec));
  assert.ok(rec.scopes.some((s) => s.scope === 'provider:big'));
});
