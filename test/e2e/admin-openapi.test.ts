// The admin API's OpenAPI document describes every admin route, and real responses match it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { governedConfig } from '../helpers/governed-config.js';
import { matchRoute } from '../../src/server/routes.js';

let h: Harness;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: object } } }> }>>; components: { schemas: Record<string, object> } };
before(async () => {
  h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-oas-')), 'spool.jsonl') }) });
  const r = await fetch(`${h.gateway.url}/admin/openapi.json`);
  assert.equal(r.status, 200);
  doc = (await r.json()) as typeof doc;
});
after(async () => h.close());

function validator(schema: object) {
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const rewrite = (n: unknown): unknown =>
    Array.isArray(n) ? n.map(rewrite) : n && typeof n === 'object' ? Object.fromEntries(Object.entries(n).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/', 'doc#/') : rewrite(v)])) : n;
  return ajv.compile(rewrite(schema) as object);
}

test('every admin route is documented, and every documented path is routed', () => {
  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  // Every admin path the router knows, by family; the document must describe exactly these.
  const known = ['/admin/openapi.json', '/admin/keys', '/admin/keys/{id}', '/admin/spend', '/admin/logs', '/admin/reconcile', '/admin/deployments', '/admin/config/reload', ...['users', 'teams', 'orgs'].flatMap((p) => [`/admin/${p}`, `/admin/${p}/{id}`])];
  assert.deepEqual(Object.keys(doc.paths).sort(), [...known].sort(), 'documented paths = routed paths');
  for (const path of known) {
    for (const method of METHODS) {
      const routed = matchRoute(method, path.replace('{id}', 'some-id')).ok;
      const documented = doc.paths[path]?.[method.toLowerCase()] !== undefined;
      assert.equal(documented, routed, `${method} ${path}: ${routed ? 'routed but not documented' : 'documented but not routed'}`);
    }
  }
});

test('real responses match the documented schemas', async () => {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${h.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const schemaOf = (path: string, method: string, status: string) => doc.paths[path]![method]!.responses[status]!.content!['application/json'].schema;
  const created = await call('POST', '/admin/keys', { name: 'documented', budget: { usd: 3 }, limits: { rpm: 5 }, expires_in: '1mo' });
  const createdBody = await created.json();
  const v1 = validator(schemaOf('/admin/keys', 'post', '201'));
  assert.ok(v1(createdBody), JSON.stringify(v1.errors));
  const spend = await (await call('GET', '/admin/spend?scope=key:cfg:budgeted')).json();
  const v2 = validator(schemaOf('/admin/spend', 'get', '200'));
  assert.ok(v2(spend), JSON.stringify(v2.errors));
  const bad = await (await call('POST', '/admin/keys', { name: 'x', colour: 1 })).json();
  const v3 = validator(schemaOf('/admin/keys', 'post', '400'));
  assert.ok(v3(bad), JSON.stringify(v3.errors));
  const rec = await (await call('GET', '/admin/reconcile')).json();
  const v4 = validator(schemaOf('/admin/reconcile', 'get', '200'));
  assert.ok(v4(rec), JSON.stringify(v4.errors));

  const check = async (path: string, method: string, status: string, res: Response) => {
    assert.equal(String(res.status), status, `${method} ${path}`);
    const v = validator(schemaOf(path, method, status));
    const body: unknown = await res.json();
    assert.ok(v(body), `${method} ${path} ${status}: ${JSON.stringify(v.errors)} ${JSON.stringify(body)}`);
  };
  await check('/admin/orgs', 'post', '201', await call('POST', '/admin/orgs', { name: 'doc-org', budget: { usd: 10, period: 'weekly', window: 'rolling' } }));
  await check('/admin/teams', 'post', '201', await call('POST', '/admin/teams', { name: 'doc-team', org: 'doc-org', limits: { rpm: 5 } }));
  await check('/admin/users', 'post', '201', await call('POST', '/admin/users', { name: 'doc-user', team: 'doc-team' }));
  await check('/admin/users', 'post', '409', await call('POST', '/admin/users', { name: 'alice' }));
  await check('/admin/users', 'get', '200', await call('GET', '/admin/users'));
  await check('/admin/users/{id}', 'get', '200', await call('GET', '/admin/users/alice'));
  await check('/admin/users/{id}', 'patch', '200', await call('PATCH', '/admin/users/doc-user', { budget: { usd: 1 } }));
  await check('/admin/teams/{id}', 'delete', '409', await call('DELETE', '/admin/teams/doc-team'));
  await check('/admin/teams/{id}', 'delete', '200', await call('DELETE', '/admin/teams/doc-team?force=true'));
  await check('/admin/orgs/{id}', 'get', '404', await call('GET', '/admin/orgs/nobody'));
  await check('/admin/spend', 'get', '200', await call('GET', '/admin/spend?scope=tag:untracked'));
  await check('/admin/spend', 'get', '200', await call('GET', '/admin/spend?scope=org:doc-org'));
  await check('/admin/spend', 'get', '400', await call('GET', '/admin/spend?scope=nonsense'));
  await check('/admin/spend', 'get', '404', await call('GET', '/admin/spend?scope=user:nobody'));

  // Keys: list, one, change, revoke, unknown — with a request in the ledger to list.
  const key = createdBody as { id: string; key: string };
  const served = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}` }, body: JSON.stringify({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(served.status, 200);
  await served.text();
  await check('/admin/keys', 'get', '200', await call('GET', '/admin/keys'));
  await check('/admin/keys/{id}', 'get', '200', await call('GET', `/admin/keys/${key.id}`));
  await check('/admin/keys/{id}', 'patch', '200', await call('PATCH', `/admin/keys/${key.id}`, { metadata: { owner: 'docs' }, models: ['chat'] }));
  await check('/admin/keys/{id}', 'patch', '400', await call('PATCH', `/admin/keys/${key.id}`, { limits: { rpm: -1 } }));
  await check('/admin/keys/{id}', 'delete', '200', await call('DELETE', `/admin/keys/${key.id}`));
  await check('/admin/keys/{id}', 'get', '404', await call('GET', '/admin/keys/key_missing'));
  await check('/admin/logs', 'get', '200', await call('GET', `/admin/logs?key=${key.id}`));
  await check('/admin/logs', 'get', '400', await call('GET', '/admin/logs?limit=0'));
  await check('/admin/spend', 'get', '200', await call('GET', `/admin/spend?scope=key:${key.id}`));
  await check('/admin/reconcile', 'get', '200', await call('GET', '/admin/reconcile'));
  const unauth = await fetch(`${h.gateway.url}/admin/keys`, { headers: { authorization: 'Bearer wrong' } });
  await check('/admin/keys', 'get', '401', unauth);
});
