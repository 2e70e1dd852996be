// Users, teams and orgs through the admin API and the CLI: stored in the database, merged with the
// config's (which stay read-only), limiting the keys that name them, deleted only on purpose.
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
  h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-entities-')), 'spool.jsonl') }) });
});
after(async () => h.close());

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${h.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>): Promise<T> => (await (await r).json()) as T;
const chat = (key: string) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: chatBody() });
const newKey = async (body: Record<string, unknown>) => json<{ id: string; key: string }>(admin('POST', '/admin/keys', body));
const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; scope?: string; param?: string } }).error;
/** Replicas (this one included) poll the database every 500 ms. */
const poll = () => new Promise((r) => setTimeout(r, 700));

test('users, teams and orgs are created, read, listed and changed through the API', async () => {
  const org = await admin('POST', '/admin/orgs', { name: 'globex', budget: { usd: 500 }, metadata: { owner: 'finance' } });
  assert.equal(org.status, 201);
  assert.deepEqual(await json(org), {
    name: 'globex', kind: 'org', source: 'api', budget: { usd: 500, period: 'monthly', window: 'calendar' }, limits: {}, metadata: { owner: 'finance' },
    spend_usd: 0, reserved_usd: 0, created_at: (await json(admin('GET', '/admin/orgs/globex')))['created_at'], updated_at: (await json(admin('GET', '/admin/orgs/globex')))['updated_at'],
  });
  assert.equal((await admin('POST', '/admin/teams', { name: 'research', org: 'globex', limits: { rpm: 100 } })).status, 201);
  const user = await json(admin('POST', '/admin/users', { name: 'carol', team: 'research', budget: { usd: 2, period: 'daily', window: 'rolling' } }));
  assert.deepEqual([user['team'], user['org'], user['budget']], ['research', null, { usd: 2, period: 'daily', window: 'rolling' }]);

  const users = (await json<{ data: Array<{ name: string; source: string }> }>(admin('GET', '/admin/users'))).data;
  assert.deepEqual(users.map((u) => [u.name, u.source]).sort(), [['alice', 'config'], ['carol', 'api']]);
  const alice = await json(admin('GET', '/admin/users/alice'));
  assert.deepEqual([alice['source'], alice['team'], alice['budget']], ['config', 'search', { usd: 0.02, period: 'daily', window: 'calendar' }]);

  const patched = await json(admin('PATCH', '/admin/users/carol', { limits: { tpm: 5000 }, budget: null }));
  assert.deepEqual([patched['limits'], patched['budget'], patched['team']], [{ tpm: 5000 }, null, 'research']);

  const cases: Array<[string, string, unknown, number, string]> = [
    ['POST', '/admin/users', { name: 'alice' }, 409, 'entity_defined_in_config'],
    ['PATCH', '/admin/teams/search', { limits: { rpm: 1 } }, 409, 'entity_defined_in_config'],
    ['DELETE', '/admin/orgs/acme', undefined, 409, 'entity_defined_in_config'],
    ['POST', '/admin/users', { name: 'carol' }, 409, 'entity_exists'],
    ['POST', '/admin/users', { name: 'dave', team: 'ghosts' }, 400, 'invalid_parameter'],
    ['POST', '/admin/users', { name: 'dave', team: 'research', org: 'acme' }, 400, 'invalid_parameter'],
    ['POST', '/admin/teams', { name: 'x', team: 'research' }, 400, 'invalid_parameter'],
    ['POST', '/admin/orgs', { name: 'bad name' }, 400, 'invalid_parameter'],
    ['POST', '/admin/orgs', { name: 'x', budget: { usd: 1, period: 'none', window: 'rolling' } }, 400, 'invalid_parameter'],
    ['PATCH', '/admin/users/carol', { name: 'caroline' }, 400, 'invalid_parameter'],
    ['GET', '/admin/users/nobody', undefined, 404, 'user_not_found'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const r = await admin(method, path, body);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}`);
    assert.equal((await errorOf(r)).code, code, `${method} ${path}`);
  }
});

test('M3: a key naming an API-defined user answers to the user budget, and the team and org it inherits', async () => {
  await admin('POST', '/admin/orgs', { name: 'initech' });
  await admin('POST', '/admin/teams', { name: 'tps', org: 'initech' });
  await admin('POST', '/admin/users', { name: 'peter', team: 'tps', budget: { usd: 0.005, period: 'none' } });
  const k = await newKey({ name: 'peter-laptop', user: 'peter' });
  let refused: Response | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    const r = await chat(k.key);
    if (r.status !== 200) refused = r;
    else await r.text();
  }
  assert.ok(refused, 'the user budget ran out');
  assert.equal(refused.status, 429);
  const e = await errorOf(refused);
  assert.deepEqual([e.code, e.scope], ['budget_exceeded', 'user:peter']);
  // Counted under the org the user inherits through its team.
  const spend = await json(admin('GET', '/admin/spend?scope=team:tps'));
  assert.equal(spend['org'], 'initech');
  assert.ok((spend['spend_usd'] as number) > 0);
  const user = await json(admin('GET', '/admin/users/peter'));
  assert.equal(user['spend_usd'], spend['spend_usd']);
  const rec = await json(admin('GET', '/admin/reconcile'));
  assert.equal(rec['ok'], true, JSON.stringify(rec));
});

test('a limit set on an API-defined team applies to its keys at once, and a change within a second', async () => {
  await admin('POST', '/admin/teams', { name: 'ops', org: 'acme', limits: { rpm: 2 } });
  const k = await newKey({ name: 'ops-bot', team: 'ops' });
  assert.equal((await chat(k.key)).status, 200);
  assert.equal((await chat(k.key)).status, 200);
  const r = await chat(k.key);
  assert.equal(r.status, 429);
  const e = await errorOf(r);
  assert.deepEqual([e.code, e.scope], ['rate_limit_rpm', 'team:ops']);
  assert.equal((await admin('PATCH', '/admin/teams/ops', { limits: { rpm: 10 } })).status, 200);
  await poll();
  assert.equal((await chat(k.key)).status, 200);
});

test('DELETE refuses an entity still in use; force revokes its keys and detaches its members', async () => {
  await admin('POST', '/admin/teams', { name: 'temp', org: 'acme' });
  await admin('POST', '/admin/users', { name: 'erin', team: 'temp' });
  const teamKey = await newKey({ name: 'temp-key', team: 'temp' });
  const userKey = await newKey({ name: 'erin-key', user: 'erin' });
  const refused = await admin('DELETE', '/admin/teams/temp');
  assert.equal(refused.status, 409);
  const e = (await refused.json()) as { error: { code: string; keys: number; users: number } };
  assert.deepEqual([e.error.code, e.error.keys, e.error.users], ['entity_in_use', 1, 1]);

  const forced = await json(admin('DELETE', '/admin/teams/temp?force=true'));
  assert.deepEqual([forced['deleted'], forced['revoked_keys'], forced['detached_members']], [true, 1, 1]);
  await poll();
  assert.equal((await chat(teamKey.key)).status, 401, 'the key naming the team is revoked');
  assert.equal((await chat(userKey.key)).status, 200, "the member's own key keeps working");
  assert.equal((await json(admin('GET', '/admin/users/erin')))['team'], null);
  assert.equal((await admin('GET', '/admin/teams/temp')).status, 404);
  // The name can be used again.
  assert.equal((await admin('POST', '/admin/teams', { name: 'temp' })).status, 201);
  assert.equal((await admin('DELETE', '/admin/teams/temp')).status, 200, 'an unused entity is deleted without force');
});

test('the CLI creates, lists, updates and deletes users, teams and orgs through the admin API', async () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  // Asynchronous on purpose: the gateway under test runs in this process and must keep answering.
  const run = async (...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
    try {
      const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
        cwd: root,
        env: { ...process.env, TOLLGATE_URL: h.gateway.url, TOLLGATE_ADMIN_KEY: ADMIN_KEY },
      });
      return { status: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { status: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };
  assert.equal((await run('orgs', 'create', '--name', 'cli-org', '--budget', '100', '--period', 'weekly', '--window', 'rolling')).status, 0);
  const team = await run('teams', 'create', '--name', 'cli-team', '--org', 'cli-org', '--rpm', '60', '--json');
  assert.equal(team.status, 0, team.stderr);
  assert.deepEqual((JSON.parse(team.stdout) as { limits: unknown }).limits, { rpm: 60 });
  assert.equal((await run('users', 'create', '--name', 'cli-user', '--team', 'cli-team', '--budget', '5')).status, 0);
  const list = await run('users', 'list');
  assert.match(list.stdout, /^cli-user\tapi\tteam=cli-team\torg=-\t\$0\/\$5 monthly\t\{\}$/m);
  assert.match(list.stdout, /^alice\tconfig\tteam=search/m);
  assert.match((await run('orgs', 'list')).stdout, /^cli-org\tapi\t\$0\/\$100 rolling weekly/m);
  const updated = await run('users', 'update', 'cli-user', '--tpm', '1000', '--budget', 'none');
  assert.equal(updated.status, 0, updated.stderr);
  assert.match(updated.stdout, /\$0 spent\t\{"tpm":1000\}/);
  const inUse = await run('teams', 'delete', 'cli-team');
  assert.equal(inUse.status, 1);
  assert.match(inUse.stderr, /409 entity_in_use/);
  assert.match((await run('teams', 'delete', 'cli-team', '--force')).stdout, /deleted team cli-team \(revoked 0 key\(s\), detached 1 member\(s\)\)/);
  const readOnly = await run('users', 'delete', 'alice');
  assert.equal(readOnly.status, 1);
  assert.match(readOnly.stderr, /entity_defined_in_config/);
  assert.equal((await run('users', 'frobnicate')).status, 2);
});
