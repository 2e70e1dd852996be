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
  // Raising the limit takes effect at once on this replica (the others poll within a second).
  await admin('PATCH', `/admin/keys/${k.id}`, { limits: { rpm: 10 } });
  assert.equal((await chat(k.key)).status, 200);
});

test('M7: revocation takes effect at once and never echoes the key', async () => {
  const k = (await (await admin('POST', '/admin/keys', { name: 'doomed' })).json()) as { id: string; key: string };
  assert.equal((await chat(k.key)).status, 200);
  assert.equal((await admin('DELETE', `/admin/keys/${k.id}`)).status, 200);
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

test('a key limited to some models is refused the others; its metadata is kept', async () => {
  const r = await admin('POST', '/admin/keys', { name: 'only-chat', models: ['chat'], metadata: { owner: 'ops', tags: ['svc'] } });
  const k = (await r.json()) as { id: string; key: string; models: string[]; metadata: Record<string, unknown> };
  assert.deepEqual([k.models, k.metadata], [['chat'], { owner: 'ops', tags: ['svc'] }]);
  assert.equal((await chat(k.key)).status, 200);
  const other = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k.key}` }, body: chatBody({ model: 'unpriced' }) });
  assert.equal(other.status, 403);
  assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'model_not_allowed');
  // Lifting the restriction applies at once.
  await admin('PATCH', `/admin/keys/${k.id}`, { models: null });
  assert.equal((await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k.key}` }, body: chatBody({ model: 'unpriced' }) })).status, 200);
});

test('M7: an absolute expiry is kept to the millisecond; one in the past refuses at once', async () => {
  const at = new Date(Date.now() + 60 * 60_000).toISOString();
  const future = (await (await admin('POST', '/admin/keys', { name: 'until', expires_at: at })).json()) as { key: string; expires_at: string };
  assert.equal(future.expires_at, at);
  assert.equal((await chat(future.key)).status, 200);
  const past = (await (await admin('POST', '/admin/keys', { name: 'stale', expires_at: '2020-01-01T00:00:00Z' })).json()) as { key: string };
  const r = await chat(past.key);
  assert.equal(r.status, 401);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'key_expired');
});

test('M7: no key is ever logged or echoed — created, revoked, expired, unknown, or the admin key', async () => {
  const created = await admin('POST', '/admin/keys', { name: 'secretive' });
  const k = (await created.json()) as { id: string; key: string };
  const revoked = (await (await admin('POST', '/admin/keys', { name: 'secretive-2' })).json()) as { id: string; key: string };
  await admin('DELETE', `/admin/keys/${revoked.id}`);
  const expired = (await (await admin('POST', '/admin/keys', { name: 'secretive-3', expires_at: '2020-01-01T00:00:00Z' })).json()) as { key: string };
  const unknown = 'sk-tg-neverissued0123456789abcdefghijkl';
  assert.equal((await chat(k.key)).status, 200);
  for (const [key, status] of [[revoked.key, 401], [expired.key, 401], [unknown, 401]] as const) {
    const r = await chat(key);
    assert.equal(r.status, status);
    const body = await r.text();
    assert.ok(!body.includes(key) && !body.includes(key.slice(6, 20)), `the error never echoes the key: ${body}`);
  }
  const wrongAdmin = await fetch(`${h.gateway.url}/admin/keys`, { headers: { authorization: `Bearer ${unknown}` } });
  assert.equal(wrongAdmin.status, 401);
  assert.ok(!(await wrongAdmin.text()).includes(unknown));
  const logs = h.logText();
  for (const secret of [k.key, revoked.key, expired.key, unknown, ADMIN_KEY]) assert.ok(!logs.includes(secret), 'never logged');
  assert.ok(logs.length > 0, 'there were log lines to search');
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
