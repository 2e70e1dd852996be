// API keys, users, teams and orgs, and the ledger sums behind /admin/spend for tags, providers and end users:
// part of the storage conformance suite, registered by storageConformance (which empties the
// tables before each test); not run on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EntityRepository } from './entity-repository.js';
import { InstanceRegistry } from './instance-registry.js';
import { KeyRepository } from './key-repository.js';
import { toLedgerRecord } from './ledger-entry.js';
import { insertLedgerRecords } from './ledger-insert.js';
import { sumSpendByScope, sumSpendByTag } from './ledger-queries.js';
import type { Storage } from './storage.js';
import { EntityConflictError, KeyConflictError } from './storage-errors.js';
import { entry } from './storage.conformance.js';

const T0 = 1_700_000_000_000;

export function governanceConformance(get: () => Storage): void {
    test('creates, reads, lists, updates and revokes API keys without storing the secret', async () => {
      const storage = get();
      let clock = T0;
      const keys = new KeyRepository(storage.db, { now: () => clock });
      const a = await keys.create({
        name: 'ci',
        key_hash: 'sha256:aaa',
        key_prefix: 'tg-aaaa',
        user_id: 'u1',
        team_id: 't1',
        models: ['gpt-4o'],
        budget_nanos: 50_000_000_000n,
        budget_period: 'monthly',
        limits: { rpm: 600, tpm: 100_000 },
        metadata: { owner: 'ops' },
        expires_at: T0 + 86_400_000,
      });
      assert.match(a.id, /^key_[0-9a-f]{32}$/);
      assert.deepEqual({ ...a, id: undefined }, {
        id: undefined,
        name: 'ci',
        key_hash: 'sha256:aaa',
        key_prefix: 'tg-aaaa',
        user_id: 'u1',
        team_id: 't1',
        org_id: null,
        models: ['gpt-4o'],
        metadata: { owner: 'ops' },
        budget_nanos: 50_000_000_000n,
        budget_period: 'monthly',
        budget_window: null,
        limits: { rpm: 600, tpm: 100_000 },
        expires_at: T0 + 86_400_000,
        revoked_at: null,
        created_at: T0,
        updated_at: T0,
      });
      clock += 1;
      const b = await keys.create({ id: 'key-b', name: 'batch', key_hash: 'sha256:bbb', key_prefix: 'tg-bbbb', team_id: 't1' });
      assert.equal(b.models, null, 'no model list means every model');
      assert.deepEqual(b.limits, {});

      assert.deepEqual(await keys.getByHash('sha256:aaa'), a);
      assert.deepEqual(await keys.getById('key-b'), b);
      assert.equal(await keys.getByHash('sha256:nope'), undefined);
      assert.equal(await keys.getById('nope'), undefined);

      assert.deepEqual((await keys.list()).map((k) => k.id), ['key-b', a.id]);
      assert.deepEqual((await keys.list({ user_id: 'u1' })).map((k) => k.id), [a.id]);
      assert.deepEqual((await keys.list({ team_id: 't1', limit: 1, offset: 1 })).map((k) => k.id), [a.id]);

      clock += 1;
      const updated = await keys.update(a.id, { name: 'ci-2', models: null, budget_nanos: null, limits: { rpm: 10 }, expires_at: null });
      assert.equal(updated?.name, 'ci-2');
      assert.equal(updated?.models, null);
      assert.equal(updated?.budget_nanos, null);
      assert.deepEqual(updated?.limits, { rpm: 10 });
      assert.equal(updated?.expires_at, null);
      assert.deepEqual(updated?.metadata, { owner: 'ops' }, 'fields absent from the patch are kept');
      assert.equal(updated?.updated_at, T0 + 2);
      assert.equal(await keys.update('nope', { name: 'x' }), undefined);

      clock += 1;
      const revoked = await keys.revoke('key-b');
      assert.equal(revoked?.revoked_at, T0 + 3);
      clock += 1;
      assert.equal((await keys.revoke('key-b'))?.revoked_at, T0 + 3, 'revoking again keeps the first time');
      assert.equal(await keys.revoke('nope'), undefined);
      assert.equal((await keys.getByHash('sha256:bbb'))?.revoked_at, T0 + 3, 'auth still finds a revoked key, to refuse it');
      assert.deepEqual((await keys.list()).map((k) => k.id), [a.id], 'revoked keys are hidden by default');
      assert.deepEqual((await keys.list({ include_revoked: true })).map((k) => k.id), ['key-b', a.id]);
      // Replicas poll for changes: oldest change first, revocations included.
      assert.deepEqual((await keys.list({ updated_since: T0 + 2 })).map((k) => k.id), [a.id, 'key-b']);

      await assert.rejects(keys.create({ name: 'dup', key_hash: 'sha256:aaa', key_prefix: 'tg-x' }), KeyConflictError);
      await assert.rejects(keys.create({ id: 'key-b', name: 'dup', key_hash: 'sha256:ccc', key_prefix: 'tg-x' }), KeyConflictError);
      await assert.rejects(keys.create({ name: 'raw', key_hash: 'sha256:ddd', key_prefix: 'tg-0123456789abcdef0123' }), RangeError);
    });

    test('creates, lists, updates and tombstones users, teams and orgs; replicas see deletions', async () => {
      let clock = T0;
      const repo = new EntityRepository(get().db, { now: () => clock });
      const org = await repo.create('org', { id: 'acme', budget_nanos: 2n ** 62n + 5n, budget_period: 'monthly', limits: { rpm: 100 } });
      assert.deepEqual(org, {
        kind: 'org', id: 'acme', team_id: null, org_id: null, budget_nanos: 2n ** 62n + 5n, budget_period: 'monthly', budget_window: null,
        limits: { rpm: 100 }, metadata: {}, created_at: T0, updated_at: T0, deleted_at: null,
      });
      clock += 1;
      await repo.create('team', { id: 'search', org_id: 'acme', budget_nanos: 5n, budget_period: 'daily', budget_window: 'rolling' });
      await repo.create('user', { id: 'alice', team_id: 'search', metadata: { owner: 'ops' } });
      await repo.create('user', { id: 'bob', org_id: 'acme' });
      await assert.rejects(repo.create('user', { id: 'alice' }), (e: unknown) => e instanceof EntityConflictError && e.status === 409);
      await assert.rejects(repo.create('org', { id: 'x', team_id: 'search' }), RangeError);

      assert.equal((await repo.get('team', 'search'))?.budget_window, 'rolling');
      assert.equal((await repo.get('user', 'alice'))?.team_id, 'search');
      assert.deepEqual((await repo.list('user')).map((e) => e.id), ['alice', 'bob']);
      assert.deepEqual((await repo.list('user', { team_id: 'search' })).map((e) => e.id), ['alice']);
      assert.deepEqual(await repo.members('org', 'acme'), { users: 1, teams: 1 });
      assert.deepEqual(await repo.members('team', 'search'), { users: 1, teams: 0 });

      clock += 1;
      const patched = await repo.update('user', 'alice', { budget_nanos: 7n, limits: { tpm: 9 } });
      assert.equal(patched?.budget_nanos, 7n);
      assert.deepEqual(patched?.limits, { tpm: 9 });
      assert.deepEqual(patched?.metadata, { owner: 'ops' }, 'fields absent from the patch are kept');
      assert.equal(patched?.updated_at, T0 + 2);
      assert.equal(await repo.update('user', 'nobody', { budget_nanos: 1n }), undefined);

      clock += 1;
      assert.equal((await repo.delete('user', 'bob'))?.deleted_at, T0 + 3);
      assert.equal(await repo.delete('user', 'bob'), undefined, 'deleting twice finds nothing alive');
      assert.equal(await repo.get('user', 'bob'), undefined);
      assert.equal((await repo.get('user', 'bob', { include_deleted: true }))?.deleted_at, T0 + 3);
      assert.deepEqual((await repo.list('user')).map((e) => e.id), ['alice']);
      // Replicas poll for changes: oldest change first, deletions included.
      assert.deepEqual((await repo.list('user', { updated_since: T0 + 2 })).map((e) => [e.id, e.deleted_at]), [['alice', null], ['bob', T0 + 3]]);
      assert.equal(await repo.update('user', 'bob', { budget_nanos: 1n }), undefined, 'a tombstone is not updated');

      clock += 1;
      const revived = await repo.create('user', { id: 'bob', team_id: 'search' });
      assert.deepEqual([revived.deleted_at, revived.team_id, revived.org_id, revived.created_at], [null, 'search', null, T0 + 4]);

      clock += 1;
      assert.equal(await repo.detachMembers('org', 'acme'), 1);
      assert.equal((await repo.get('team', 'search'))?.org_id, null);
      assert.equal(await repo.detachMembers('team', 'search'), 2);
      assert.deepEqual(await repo.members('team', 'search'), { users: 0, teams: 0 });
      assert.equal((await repo.get('user', 'alice'))?.updated_at, T0 + 5, 'detaching is a change replicas see');

      const keys = new KeyRepository(get().db, { now: () => clock });
      await keys.create({ name: 'k1', key_hash: 'h1', key_prefix: 'p', user_id: 'alice', budget_window: 'rolling' });
      await keys.create({ name: 'k2', key_hash: 'h2', key_prefix: 'p', team_id: 'search' });
      assert.equal((await keys.getByHash('h1'))?.budget_window, 'rolling');
      assert.equal(await keys.countReferencing('user', 'alice'), 1);
      assert.equal(await keys.revokeReferencing('team', 'search'), 1);
      assert.equal(await keys.countReferencing('team', 'search'), 0);
      assert.equal(await keys.revokeReferencing('team', 'search'), 0);
    });

    test('sums spend per tag, per provider and per end user, exactly and case-sensitively', async () => {
      await insertLedgerRecords(get().db, [
        toLedgerRecord(entry(1, { tags: ['nightly', 'eval'], provider: 'openai', end_user: 'e1', cost_nanos: 2n ** 60n, input_tokens: 1, output_tokens: 2 })),
        toLedgerRecord(entry(2, { tags: ['nightly'], provider: 'azure', end_user: 'e1', cost_nanos: 20n })),
        toLedgerRecord(entry(3, { tags: ['Nightly', 'night_ly', 'nightlyx'], cost_nanos: 400n })),
        toLedgerRecord(entry(4, { tags: [], cost_nanos: 800n })),
      ]);
      assert.deepEqual(await sumSpendByTag(get().db, 'nightly'), { cost_nanos: 2n ** 60n + 20n, requests: 2, input_tokens: 11, output_tokens: 7 });
      assert.equal((await sumSpendByTag(get().db, 'nightly', { from: T0 + 2 })).cost_nanos, 20n);
      assert.equal((await sumSpendByTag(get().db, 'night_ly')).cost_nanos, 400n, 'an underscore is not a wildcard');
      assert.equal((await sumSpendByTag(get().db, 'Nightly')).requests, 1);
      assert.equal((await sumSpendByTag(get().db, 'nope')).requests, 0);
      assert.equal((await sumSpendByScope(get().db, 'provider', 'azure')).cost_nanos, 20n);
      assert.equal((await sumSpendByScope(get().db, 'end_user', 'e1')).requests, 2);
    });

    test('registers gateway instances, refreshes their heartbeat and forgets stale ones', async () => {
      const reg = new InstanceRegistry(get().db);
      await reg.register({ id: 'gw_a', host: 'h1', pid: 11, stateKind: 'memory', sharedState: false, startedAt: T0 });
      await reg.register({ id: 'gw_b', host: 'h2', pid: 12, stateKind: 'redis', sharedState: true, startedAt: T0 + 1 });
      assert.deepEqual(await reg.alive(T0), [
        { id: 'gw_a', host: 'h1', pid: 11, stateKind: 'memory', sharedState: false, startedAt: T0, heartbeatAt: T0 },
        { id: 'gw_b', host: 'h2', pid: 12, stateKind: 'redis', sharedState: true, startedAt: T0 + 1, heartbeatAt: T0 + 1 },
      ]);
      assert.equal(await reg.heartbeat('gw_b', T0 + 20_000), true);
      assert.equal(await reg.heartbeat('gw_nope', T0 + 20_000), false);
      assert.deepEqual((await reg.alive(T0 + 10_000)).map((i) => i.id), ['gw_b']);
      await reg.removeStale(T0 + 10_000);
      assert.deepEqual((await reg.alive(0)).map((i) => i.id), ['gw_b']);
      await assert.rejects(reg.register({ id: 'gw_b', host: 'h', pid: 1, stateKind: 'redis', sharedState: true, startedAt: T0 }));
      await reg.remove(['gw_b']);
      assert.deepEqual(await reg.alive(0), []);
    });

    test('M10: an attempt billed before a fallback counts for the provider that billed it, not the one that served', async () => {
      const twoAttempts = [
        { deployment: 'hung/h', status: 200, error_code: 'upstream_timeout', latency_ms: 400 },
        { deployment: 'backup/b', status: 200, error_code: null, latency_ms: 20 },
      ];
      await insertLedgerRecords(get().db, [
        toLedgerRecord(entry(1, { provider: 'backup', cost_nanos: 1_000n, attempts: twoAttempts, metadata: { charged_attempts: [{ deployment: 'hung/h', provider: 'hung', cost_nanos: '300' }] } })),
        toLedgerRecord(entry(2, { provider: 'hung', cost_nanos: 50n })),
        // Retried on the provider that then served: nothing moves.
        toLedgerRecord(entry(3, { provider: 'backup', cost_nanos: 70n, attempts: twoAttempts, metadata: { charged_attempts: [{ deployment: 'backup/b', provider: 'backup', cost_nanos: '20' }] } })),
      ]);
      assert.equal((await sumSpendByScope(get().db, 'provider', 'hung')).cost_nanos, 350n);
      assert.equal((await sumSpendByScope(get().db, 'provider', 'backup')).cost_nanos, 770n);
      assert.equal((await sumSpendByScope(get().db, 'provider', 'hung', { from: T0 + 2 })).cost_nanos, 50n);
      // The key pays for every attempt.
      assert.equal((await sumSpendByScope(get().db, 'key', 'key-a')).cost_nanos, 1_120n);
    });
}
