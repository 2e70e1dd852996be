import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../config/load.js';
import type { DirectoryEntity } from './entity-directory.js';
import { resolveChain } from './scope-chain.js';

const cfg = loadConfigText(
  `
providers: { sim: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 } }
models: { chat: { deployments: [ { provider: sim, model: m1 } ] } }
orgs: [ { name: acme } ]
teams: [ { name: search, org: acme, budget: { usd: 5 } } ]
users: [ { name: alice, team: search } ]
`,
  { env: {} },
);

const db = new Map<string, DirectoryEntity>([
  ['org:globex', { kind: 'org', id: 'globex', team: undefined, org: undefined, limits: { budgetNanos: 9n, period: 'none', rpm: undefined, tpm: undefined, maxParallel: undefined } }],
  ['team:research', { kind: 'team', id: 'research', team: undefined, org: 'globex', limits: undefined }],
  ['user:carol', { kind: 'user', id: 'carol', team: 'research', org: undefined, limits: { budgetNanos: 1n, period: 'daily', rpm: 3, tpm: undefined, maxParallel: undefined } }],
  ['user:dan', { kind: 'user', id: 'dan', team: 'search', org: undefined, limits: undefined }],
  // A database row shadowed by the config's alice: never used.
  ['user:alice', { kind: 'user', id: 'alice', team: 'research', org: undefined, limits: { budgetNanos: 0n, period: 'none', rpm: undefined, tpm: undefined, maxParallel: undefined } }],
]);
const lookup = (kind: string, id: string) => db.get(`${kind}:${id}`);

test('a database user inherits its team and the team its org, as config keys do', () => {
  const c = resolveChain(cfg, lookup, { user: 'carol' });
  assert.deepEqual([c.user, c.team, c.org], ['carol', 'research', 'globex']);
  assert.deepEqual([...c.limits.keys()], ['user:carol', 'org:globex']);
});

test('a database user may join a config team (and its org); config limits stay in the config', () => {
  const c = resolveChain(cfg, lookup, { user: 'dan' });
  assert.deepEqual([c.user, c.team, c.org], ['dan', 'search', 'acme']);
  assert.equal(c.limits.size, 0);
});

test('a config name means the config entity, even when a database row shares it', () => {
  const c = resolveChain(cfg, lookup, { user: 'alice' });
  assert.deepEqual([c.team, c.org, c.limits.size], ['search', 'acme', 0]);
});

test('what the key names wins over what it would inherit; unknown names count, unlimited', () => {
  const c = resolveChain(cfg, lookup, { user: 'carol', org: 'acme' });
  assert.deepEqual([c.team, c.org], ['research', 'acme']);
  const ghost = resolveChain(cfg, lookup, { team: 'ghosts' });
  assert.deepEqual([ghost.team, ghost.org, ghost.limits.size], ['ghosts', undefined, 0]);
});
