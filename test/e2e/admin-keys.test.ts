// Keys through the admin API and the CLI: shown once, stored hashed, limited, expiring, revocable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-keys-')), 'spool.jsonl') }) });
});
after(async () => h.close());

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${h.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const chat = (key: string) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: chatBody() });

test('a created key is shown once, works, and is stored only as a hash', async () => {
  const r = await admin('POST', '/admin/keys', { name: 'svc', budget: { usd: 5, period: 'monthly' }, limits: { rpm: 100 }, models: ['chat'] });
  assert.equal(r.status, 201);
  const k = (await r.json()) as { id: string; key: string; key_prefix: string; budget: { usd: number } };
  assert.match(k.key, /^sk-tg-/);
  assert.equal(k.budget.usd, 5);
  assert.equal((await chat(k.key)).status, 200);
  const listed = await (await admin('GET', '/admin/keys')).text();
  assert.ok(!listed.includes(k.key), 'the key is never shown again');
  const one = (await (await admin('GET', `/admin/keys/${k.id}`)).json()) as { spend_usd: number; key?: string };
  assert.equal(one.key, undefined);
  assert.ok(one.spend_usd > 0, 'spend is tracked per key');
  assert.ok(!h.logText().includes(k.key), 'never logged');
});

test('a key created through the API carries its own limits', async () => {
  const k = (await (await admin('POST', '/admin/keys', { name: 'tiny', limits: { rpm: 2 } })).json()) as { id: string; key: string };
  assert.equal((await chat(k.key)).status, 200);
  assert.equal((await chat(k.key)).status, 200);
  const third = await chat(k.key);
  assert.equal(third.status, 429);
  const e = ((await third.json()) as { error: { code: string; scope: string } }).error;
  assert.equal(e.code, 'rate_limit_rpm');
  assert.equal(e.scope, `key:${k.id}`);
  // Raising the limit takes effect without a restart.
  await admin('PATCH', `/admin/keys/${k.id}`, { limits: { rpm: 10 } });
  await new Promise((r) => setTimeout(r, 700));
  assert.equal((await chat(k.key)).status, 200);
});

test('M7: revocation takes effect at once and never echoes the key', async () => {
  const k = (await (await admin('POST', '/admin/keys', { name: 'doomed' })).json()) as { id: string; key: string };
  assert.equal((await chat(k.key)).status, 200);
  assert.equal((await admin('DELETE', `/admin/keys/${k.id}`)).status, 200);
  await new Promise((r) => setTimeout(r, 700));
  const r = await chat(k.key);
  assert.equal(r.status, 401);
  const body = await r.text();
  assert.match(body, /revoked/);
  assert.ok(!body.includes(k.key));
});

test('M7: a short-lived key expires exactly, not early', async () => {
  const k = (await (await admin('POST', '/admin/keys', { name: 'brief', expires_in: '2s' })).json()) as { key: string; expires_at: string };
  const expiresAt = Date.parse(k.expires_at);
  if (Date.now() < expiresAt - 500) assert.equal((await chat(k.key)).status, 200, 'valid before expiry');
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
  const r = await chat(k.key);
  assert.equal(r.status, 401);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'key_expired');
});

test('bad key requests are refused with the field named', async () => {
  const cases: Array<[unknown, string]> = [
    [{ name: 'x', colour: 'blue' }, 'colour'],
    [{ name: 'x', budget: { usd: 'lots' } }, 'budget.usd'],
    [{ name: 'x', budget: { usd: 5, period: 'fortnightly' } }, 'budget.period'],
    [{ name: 'x', user: 'nobody' }, 'user'],
    [{ name: 'x', limits: { rpm: 0 } }, 'limits.rpm'],
    [{ name: 'x', expires_in: 'soon' }, 'expires_in'],
    [{ name: 'x', models: ['ghost'] }, 'models'],
    [{}, 'name'],
  ];
  for (const [body, param] of cases) {
    const r = await admin('POST', '/admin/keys', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(((await r.json()) as { error: { param: string } }).error.param, param);
  }
  assert.equal((await admin('GET', '/admin/keys/nope')).status, 404);
});

test('the CLI creates, lists and revokes keys through the admin API', async () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  // Asynchronous on purpose: the gateway under test runs in this process and must keep answering.
  const run = async (...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
    try {
      const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'keys', ...args], {
        cwd: root,
        env: { ...process.env, TOLLGATE_URL: h.gateway.url, TOLLGATE_ADMIN_KEY: ADMIN_KEY },
      });
      return { status: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { status: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };
  const created = await run('create', '--name', 'ci', '--budget', '50', '--period', 'monthly', '--rpm', '600', '--tpm', '100000', '--expires', '30d', '--json');
  assert.equal(created.status, 0, created.stderr);
  const k = JSON.parse(created.stdout) as { id: string; key: string; limits: Record<string, number>; expires_at: string };
  assert.deepEqual(k.limits, { rpm: 600, tpm: 100000 });
  assert.ok(Math.abs(Date.parse(k.expires_at) - (Date.now() + 30 * 86_400_000)) < 60_000);
  const list = await run('list');
  assert.equal(list.status, 0);
  assert.match(list.stdout, new RegExp(`${k.id}\\tci\\t`));
  assert.ok(!list.stdout.includes(k.key));
  assert.equal((await run('revoke', k.id)).status, 0);
  assert.match((await run('list')).stdout, new RegExp(`${k.id}\\tci\\t.*REVOKED`));
  const badBudget = await run('create', '--name', 'x', '--budget', 'lots');
  assert.equal(badBudget.status, 1);
  assert.match(badBudget.stderr, /budget\.usd/);
});
