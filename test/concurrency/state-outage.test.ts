// ARCHITECTURE decision 7: with Redis gone mid-run, admission fails closed (503 state_unavailable)
// by default, or — when configured — fails open with a metric, a log line and `degraded` receipts.
// A request admitted before the outage still finishes; its spend, which the counters could not
// take, is in the ledger, and /admin/reconcile reports the difference once Redis is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';
import { redisMissing, startRedis } from '../helpers/services.js';

const skip = redisMissing();
const BUDGETED = 'Bearer sk-budgeted-0123456789abcdef';

async function scenario(failOpen: boolean) {
  const redis = await startRedis();
  const h = await startHarness({
    config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-outage-')), 'spool.jsonl'), stateUrl: redis.url, failOpen }),
  });
  const post = (headers: Record<string, string> = {}) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: BUDGETED, ...headers }, body: chatBody() });
  const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;
  const metric = async (phase: string) => Number(new RegExp(`tollgate_state_degraded_total\\{phase="${phase}"\\} (\\d+)`).exec(await (await fetch(`${h.gateway.url}/metrics`)).text())?.[1] ?? 0);
  return { redis, h, post, admin, metric };
}

test('fails closed with 503 state_unavailable when Redis stops mid-run; a request already admitted finishes, and reconcile shows its spend', { skip }, async () => {
  const { redis, h, post, admin, metric } = await scenario(false);
  let again: Awaited<ReturnType<typeof startRedis>> | undefined;
  try {
    assert.equal((await post()).status, 200);
    // One request admitted and in flight (held at the simulator) when Redis dies.
    const held = { 'x-mock-barrier': '2', 'x-mock-barrier-id': 'outage', 'x-mock-barrier-timeout-ms': '10000' };
    const inFlight = post(held);
    const waiting = async () => ((await (await fetch(`${h.mockUrl}/_mock/barriers?id=outage`)).json()) as { waiting: number }).waiting;
    for (let t = 0; t < 400 && (await waiting()) < 1; t++) await new Promise((r) => setTimeout(r, 25));
    await redis.stop();

    const r = await post();
    assert.equal(r.status, 503);
    const e = ((await r.json()) as { error: { code: string } }).error;
    assert.equal(e.code, 'state_unavailable');
    assert.equal((await fetch(`${h.gateway.url}/health/ready`)).status, 503, 'readiness reports the outage');

    // Released straight at the simulator: the gateway would refuse the release request itself.
    await (await fetch(`${h.mockUrl}/v1/chat/completions`, { method: 'POST', headers: held, body: chatBody({ model: 'sim-model-1' }) })).text();
    const finished = await inFlight;
    assert.equal(finished.status, 200, 'admitted before the outage, served in full');
    await finished.text();
    for (let t = 0; t < 100 && (await metric('settle')) === 0; t++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(await metric('settle'), 1, 'the settle that could not be recorded is counted');
    assert.ok(h.logs.some((l) => l['phase'] === 'settle' && String(l['msg']).includes('/admin/reconcile')));
    assert.equal(await metric('reserve'), 0, 'fail closed serves nothing unmetered');

    // Redis comes back empty (no persistence): service resumes, and the counters are behind the ledger.
    again = await startRedis({ port: redis.port });
    let ok = false;
    for (let t = 0; t < 200 && !ok; t++) {
      ok = (await post()).status === 200;
      if (!ok) await new Promise((res) => setTimeout(res, 25));
    }
    assert.ok(ok, 'admission works again once Redis is back');
    // The last request's row is written just after its response ended: wait for all three.
    type Rec = { ok: boolean; scopes: Array<{ scope: string; drift_nanos: string; counters_spend_nanos: string; ledger_spend_nanos: string }> };
    let rec: Rec;
    let key: Rec['scopes'][number];
    for (let t = 0; ; t++) {
      rec = (await admin('/admin/reconcile')) as Rec;
      key = rec.scopes.find((s) => s.scope === 'key:cfg:budgeted')!;
      if (BigInt(key.ledger_spend_nanos) === 3n * BigInt(key.counters_spend_nanos) || t > 100) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(rec.ok, false, 'reconcile is not fooled');
    // Three identical requests were served; the fresh counters hold only the last one's spend.
    assert.ok(BigInt(key.counters_spend_nanos) > 0n);
    assert.equal(BigInt(key.drift_nanos), -2n * BigInt(key.counters_spend_nanos), `the ledger has the two requests the counters lost: ${JSON.stringify(key)}`);
  } finally {
    await h.close();
    await (again ?? redis).stop();
  }
});

test('fails open, loudly, when configured to', { skip }, async () => {
  const { redis, h, post, metric } = await scenario(true);
  try {
    assert.match((await post()).headers.get('x-tollgate-enforcement')!, /budget=exact; rpm=none/);
    await redis.stop();
    const r = await post();
    assert.equal(r.status, 200);
    assert.match(r.headers.get('x-tollgate-enforcement')!, /budget=degraded/);
    await r.text();
    assert.equal(await metric('reserve'), 1);
    assert.ok(h.logs.some((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('state store unavailable; serving unmetered')));
    const rows = ((await (await fetch(`${h.gateway.url}/admin/logs?key=cfg:budgeted`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: Array<{ status: number; cost_nanos: string }> }).data;
    assert.equal(rows.length, 2, 'the unmetered request is still in the ledger');
    assert.ok(BigInt(rows[0]!.cost_nanos) > 0n);
  } finally {
    await h.close();
    await redis.stop();
  }
});
