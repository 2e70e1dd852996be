// M9: two gateway processes sharing one Redis (and one PostgreSQL ledger) enforce one budget and
// one rate limit, exactly, with requests alternating between them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../src/mock/server.js';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { ADMIN_KEY, KEY } from '../helpers/harness.js';
import { chatBody, fire, governedConfig, heldBurst, INPUT_NANOS_PER_TOKEN, OUTPUT_NANOS_PER_TOKEN } from '../helpers/governed-config.js';
import { freshPostgres, postgresMissing, redisMissing, startRedis, type TempDatabase } from '../helpers/services.js';

const skip = redisMissing() ?? (await postgresMissing());
const DYING_KEY = 'sk-dying-key-0123456789abc';
const TPM_PROBE_KEY = 'sk-tpm-probe-0123456789abcd';

/** Every gateway of this file: one Redis, one PostgreSQL; `governance` lines are added under governance:. */
function sharedConfig(dir: string, governance?: string): string {
  return governedConfig({
    mockUrl: mock.url,
    spoolPath: join(dir, 'spool.jsonl'),
    stateUrl: redis.url,
    storageUrl: db.url,
    keys: `  - { name: dying, key: ${DYING_KEY}, budget: { usd: 1, period: none }, limits: { max_parallel: 1 } }
  - { name: tpm-probe, key: ${TPM_PROBE_KEY}, limits: { tpm: 1 } }`,
    ...(governance ? { governance } : {}),
  });
}

let mock: Awaited<ReturnType<typeof startMock>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let db: TempDatabase;
const gateways: CliProcess[] = [];

before(async () => {
  if (skip) return;
  mock = await startMock({ port: 0 });
  redis = await startRedis();
  db = await freshPostgres();
  for (let i = 0; i < 2; i++) {
    const dir = mkdtempSync(join(tmpdir(), `tg-replica-${i}-`));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, sharedConfig(dir));
    gateways.push(await startCli(['start', '--config', configPath]));
  }
});

after(async () => {
  for (const g of gateways) {
    g.child.kill('SIGTERM');
    await g.exited;
  }
  if (skip) return;
  await mock.close();
  await redis.stop();
  await db.drop();
});

const post = (i: number, key: string, headers: Record<string, string> = {}) =>
  fetch(`${gateways[i % 2]!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: chatBody() });

const admin = async (i: number, path: string) => (await (await fetch(`${gateways[i]!.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

test('M9: a $1.00 budget across two replicas admits no more than fits, and spend equals the bill', { skip }, async () => {
  await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
  const results = await fire(500, 64, (i) => post(i, 'sk-budgeted-0123456789abcdef', { 'x-mock-latency-ms': '5-25' }));
  const admitted = results.filter((r) => r.status === 200).length;
  assert.ok(results.every((r) => r.status === 200 || (r.status === 429 && r.body.includes('budget_exceeded'))), 'only budget refusals');
  const stats = ((await (await fetch(`${mock.url}/_mock/stats`)).json()) as { by_model: Record<string, { requests: number; prompt_tokens: number; completion_tokens: number }> }).by_model['sim-model-1']!;
  assert.equal(stats.requests, admitted);
  const billed = BigInt(stats.prompt_tokens) * INPUT_NANOS_PER_TOKEN + BigInt(stats.completion_tokens) * OUTPUT_NANOS_PER_TOKEN;
  const perRequest = billed / BigInt(admitted);
  assert.ok(billed <= 1_000_000_000n + perRequest, `billed ${billed}`);
  assert.ok(admitted >= Math.floor(0.9 * Number(1_000_000_000n / perRequest)), `admitted ${admitted}`);
  for (const i of [0, 1]) {
    const spend = await admin(i, '/admin/spend?scope=key:cfg:budgeted');
    assert.equal(BigInt(spend['spend_nanos'] as string), billed, `replica ${i} sees the shared spend`);
  }
  // Both replicas' ledger rows land in the shared database; counters and ledger agree.
  await new Promise((r) => setTimeout(r, 500));
  const rec = await admin(0, '/admin/reconcile');
  assert.equal(rec['ok'], true, JSON.stringify(rec));
});

test('M9: RPM is exact across two replicas', { skip }, async () => {
  const results = await fire(30, 30, (i) => post(i, 'sk-rpm10-0123456789abcdef'));
  assert.equal(results.filter((r) => r.status === 200).length, 10);
});

test('M9/M2: a simultaneous TPM burst across two replicas admits exactly what fits', { skip }, async () => {
  const probe = await post(0, TPM_PROBE_KEY);
  assert.equal(probe.status, 429);
  const reserved = ((await probe.json()) as { error: { requested: number } }).error.requested;
  const fits = Math.floor(1000 / reserved);
  const { results } = await heldBurst({
    mockUrl: mock.url,
    total: 60,
    id: 'tpm-replicas',
    expectAdmitted: fits,
    send: (i, barrier) => post(i, 'sk-tpm-0123456789abcdefgh', barrier),
    release: (barrier) => post(1, KEY, barrier),
  });
  assert.equal(results.filter((r) => r.status === 200).length, fits, `${fits} reservations of ${reserved} tokens fit in 1000, whichever replica took them`);
  assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 429 && r.body.includes('rate_limit_tpm')));
});

const adminCall = (i: number, method: string, path: string, body?: unknown) =>
  fetch(`${gateways[i]!.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

test('M7: a key created on one replica works on the other at once; revocation reaches both within a second', { skip }, async () => {
  const k = (await (await adminCall(0, 'POST', '/admin/keys', { name: 'shared' })).json()) as { id: string; key: string };
  assert.equal((await post(1, k.key)).status, 200, 'usable on the other replica immediately');
  assert.equal((await post(0, k.key)).status, 200);
  assert.equal((await adminCall(1, 'DELETE', `/admin/keys/${k.id}`)).status, 200);
  const revokedAt = Date.now();
  let refusedOnBoth = false;
  while (Date.now() - revokedAt < 1000 && !refusedOnBoth) {
    const [a, b] = await Promise.all([post(0, k.key), post(1, k.key)]);
    refusedOnBoth = a.status === 401 && b.status === 401;
    if (!refusedOnBoth) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(refusedOnBoth, 'both replicas refuse the revoked key within one second');
});

test('M7: an expiring key expires on both replicas at its exact time', { skip }, async () => {
  const k = (await (await adminCall(1, 'POST', '/admin/keys', { name: 'brief', expires_in: '2s' })).json()) as { key: string; expires_at: string };
  const at = Date.parse(k.expires_at);
  // Not early: valid on both while there is time left.
  for (const i of [0, 1]) if (Date.now() < at - 500) assert.equal((await post(i, k.key)).status, 200, `valid on replica ${i} before its expiry`);
  await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + 20));
  for (const i of [0, 1]) {
    const r = await post(i, k.key);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'key_expired');
  }
});

test('M9: a budget set on an API-defined team reaches both replicas within a second', { skip }, async () => {
  assert.equal((await adminCall(0, 'POST', '/admin/teams', { name: 'replicated', org: 'acme' })).status, 201);
  const k = (await (await adminCall(0, 'POST', '/admin/keys', { name: 'replicated-key', team: 'replicated' })).json()) as { key: string };
  // Both replicas have built the key's principal (no team limit yet).
  assert.equal((await post(0, k.key)).status, 200);
  assert.equal((await post(1, k.key)).status, 200);
  assert.equal((await adminCall(1, 'PATCH', '/admin/teams/replicated', { budget: { usd: 0, period: 'none' } })).status, 200);
  const changedAt = Date.now();
  let refusedOnBoth = false;
  while (Date.now() - changedAt < 1000 && !refusedOnBoth) {
    const [a, b] = await Promise.all([post(0, k.key), post(1, k.key)]);
    const scopes = await Promise.all([a, b].map(async (r) => (r.status === 429 ? ((await r.json()) as { error: { scope: string } }).error.scope : (await r.text(), ''))));
    refusedOnBoth = scopes.every((s) => s === 'team:replicated');
    if (!refusedOnBoth) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(refusedOnBoth, 'both replicas enforce the new team budget within one second');
  // Spend before the change is shared: both replicas report the same team spend.
  const spends = await Promise.all([0, 1].map((i) => admin(i, '/admin/spend?scope=team:replicated')));
  assert.equal(spends[0]!['spend_nanos'], spends[1]!['spend_nanos']);
  assert.equal(spends[0]!['org'], 'acme');
});

test('M4: a replica that dies mid-request gives its reservations back when their lease lapses', { skip }, async () => {
  // A third gateway on the same Redis and database, whose reservations are 1 s leases.
  const dir = mkdtempSync(join(tmpdir(), 'tg-replica-doomed-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, sharedConfig(dir, '  lease_ttl: 1s'));
  const doomed = await startCli(['start', '--config', configPath]);
  gateways.push(doomed);
  const held = { 'x-mock-barrier': '2', 'x-mock-barrier-id': 'doomed', 'x-mock-barrier-timeout-ms': '10000' };
  void fetch(`${doomed.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${DYING_KEY}`, ...held }, body: chatBody() }).then((r) => r.text()).catch(() => undefined);
  const waiting = async () => ((await (await fetch(`${mock.url}/_mock/barriers?id=doomed`)).json()) as { waiting: number }).waiting;
  for (let t = 0; t < 400 && (await waiting()) < 1; t++) await new Promise((r) => setTimeout(r, 25));
  const during = await admin(0, '/admin/spend?scope=key:cfg:dying');
  assert.equal(during['in_flight'], 1, 'the doomed replica holds the slot, on the shared counters');
  assert.ok(BigInt(during['reserved_nanos'] as string) > 0n);
  const refused = await post(0, DYING_KEY);
  assert.equal(refused.status, 429);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'concurrency_limit');

  doomed.child.kill('SIGKILL'); // no settle, no release: only the lease can give them back
  await doomed.exited;
  let served: Response | undefined;
  for (let t = 0; t < 100 && !served; t++) {
    const r = await post(1, DYING_KEY);
    if (r.status === 200) served = r;
    else {
      assert.equal(r.status, 429, 'refused only by the slot the dead replica held');
      await r.text();
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  assert.ok(served, 'the slot came back once the lease lapsed');
  await served.text();
  // The pipeline settles and writes its ledger row just after the response ends.
  type Rows = { data: Array<{ cost_nanos: string; status: number }> };
  let rows: Rows['data'] = [];
  for (let t = 0; t < 100 && !rows.some((r) => r.status === 200); t++) {
    rows = ((await admin(1, '/admin/logs?key=cfg:dying')) as unknown as Rows).data;
    if (!rows.some((r) => r.status === 200)) await new Promise((res) => setTimeout(res, 25));
  }
  const after = await admin(1, '/admin/spend?scope=key:cfg:dying');
  assert.deepEqual([after['in_flight'], after['reserved_nanos']], [0, '0'], 'no reservation leaked');
  const billed = rows.filter((r) => r.status === 200).reduce((n, r) => n + BigInt(r.cost_nanos), 0n);
  assert.equal(BigInt(after['spend_nanos'] as string), billed, 'only the request that was served is spent');
});
