// M9: two gateway processes sharing one Redis (and one PostgreSQL ledger) enforce one budget and
// one rate limit, exactly, with requests alternating between them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../src/mock/server.js';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { ADMIN_KEY } from '../helpers/harness.js';
import { chatBody, fire, governedConfig, INPUT_NANOS_PER_TOKEN, OUTPUT_NANOS_PER_TOKEN } from '../helpers/governed-config.js';
import { freshPostgres, postgresMissing, redisMissing, startRedis, type TempDatabase } from '../helpers/services.js';

const skip = redisMissing() ?? (await postgresMissing());

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
    writeFileSync(configPath, governedConfig({ mockUrl: mock.url, spoolPath: join(dir, 'spool.jsonl'), stateUrl: redis.url, storageUrl: db.url }));
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
