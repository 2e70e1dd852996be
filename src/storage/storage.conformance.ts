// The one suite every storage backend must pass. A backend's own test file only says how to get
// a fresh, empty database and how to take it down for real (no mocks of the database itself).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { KeyRepository } from './key-repository.js';
import { toLedgerRecord, type LedgerEntry } from './ledger-entry.js';
import { insertLedgerRecords } from './ledger-insert.js';
import { governanceConformance } from './governance.conformance.js';
import { ledgerWriterConformance } from './ledger-writer.conformance.js';
import { listLedger, sumSpendByScope } from './ledger-queries.js';
import { migrateToLatest } from './migrations/index.js';
import { openStorage, type OpenStorageOptions } from './open-storage.js';
import type { Storage } from './storage.js';
import { StorageUnavailableError } from './storage-errors.js';

export interface StorageFixture {
  /** A fresh, empty database for this run. */
  readonly url: string;
  /** Makes the database refuse `storage`'s writes, as a real outage would; resolves to the function that ends it. */
  outage(storage: Storage): Promise<() => Promise<void>>;
  /** Makes the database itself refuse ledger rows of `model` (a constraint); resolves to the function that lifts it. */
  refuseModel(storage: Storage, model: string): Promise<() => Promise<void>>;
  dispose(): Promise<void>;
}

export interface StorageConformanceTarget {
  readonly name: string;
  /** Why this backend cannot be tested here; the suite is reported as skipped with this reason. */
  readonly skip?: string;
  readonly create: () => Promise<StorageFixture>;
  readonly openOptions?: OpenStorageOptions;
  /** A URL of this backend that nothing answers, to prove ping fails loudly and in time. */
  readonly unreachableUrl?: string;
}

const T0 = 1_700_000_000_000;

export function entry(i: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    request_id: `req-${String(i).padStart(6, '0')}`,
    created_at: T0 + i,
    key_id: 'key-a',
    key_name: 'ci',
    user_id: 'user-a',
    team_id: 'team-a',
    org_id: 'org-a',
    model: 'gpt-4o',
    deployment: 'openai/gpt-4o',
    provider: 'openai',
    surface: 'openai-chat',
    attempts: [{ deployment: 'openai/gpt-4o', status: 200, error_code: null, latency_ms: 11 }],
    status: 200,
    input_tokens: 10,
    output_tokens: 5,
    cost_nanos: BigInt(1_000 + i),
    latency_ms: 12,
    ...over,
  };
}

export function storageConformance(target: StorageConformanceTarget): void {
  describe(`storage conformance: ${target.name}`, { skip: target.skip ?? false }, () => {
    let fixture: StorageFixture;
    let storage: Storage;
    let dir: string;
    let spoolSeq = 0;
    const spoolPath = (): string => join(dir, `spool-${++spoolSeq}`, 'ledger-spool.jsonl');

    before(async () => {
      fixture = await target.create();
      storage = await openStorage(fixture.url, target.openOptions);
      dir = await mkdtemp(join(tmpdir(), 'tollgate-spool-'));
    });

    after(async () => {
      await storage?.close();
      await fixture?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    beforeEach(async () => {
      await storage.db.deleteFrom('ledger').execute();
      await storage.db.deleteFrom('api_keys').execute();
      for (const table of ['users', 'teams', 'orgs', 'gateway_instances'] as const) await storage.db.deleteFrom(table).execute();
    });

    async function ledgerTotals(): Promise<{ rows: number; distinct: number; cost_nanos: bigint }> {
      const row = await storage.db
        .selectFrom('ledger')
        .select((eb) => [
          eb.fn.countAll<number>().as('rows'),
          eb.fn.count<number>('request_id').distinct().as('distinct'),
          eb.fn.coalesce(eb.fn.sum<bigint>('cost_nanos'), eb.lit(0)).as('cost_nanos'),
        ])
        .executeTakeFirstOrThrow();
      return { rows: row.rows, distinct: row.distinct, cost_nanos: BigInt(row.cost_nanos) };
    }

    test('applies migrations once when they run twice', async () => {
      assert.deepEqual(await migrateToLatest(storage.db), { applied: [] });
      const again = await openStorage(fixture.url, target.openOptions);
      try {
        assert.deepEqual(await migrateToLatest(again.db), { applied: [] });
        for (const table of ['ledger', 'api_keys', 'users', 'teams', 'orgs', 'gateway_instances'] as const) {
          const row = await again.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          assert.equal(typeof row.n, 'number');
        }
      } finally {
        await again.close();
      }
    });

    test('ping answers while open and throws StorageUnavailableError once closed', async () => {
      await storage.ping();
      const other = await openStorage(fixture.url, { ...target.openOptions, migrate: false });
      await other.ping();
      await other.close();
      await other.close(); // idempotent
      await assert.rejects(other.ping(), (err: unknown) => err instanceof StorageUnavailableError && err.code === 'storage_unavailable');
    });

    test('opening an unreachable database fails with StorageUnavailableError', { skip: target.unreachableUrl ? false : 'no unreachable URL for this backend' }, async () => {
      await assert.rejects(
        openStorage(target.unreachableUrl!, { ...target.openOptions, connectTimeoutMs: 1_000 }),
        (err: unknown) => err instanceof StorageUnavailableError && err.code === 'storage_unavailable',
      );
    });

    test('ping throws StorageUnavailableError when the database cannot be reached', { skip: target.unreachableUrl ? false : 'no unreachable URL for this backend' }, async () => {
      const unreachable = await openStorage(target.unreachableUrl!, { ...target.openOptions, migrate: false, connectTimeoutMs: 1_000 });
      try {
        const started = Date.now();
        await assert.rejects(unreachable.ping(3_000), (err: unknown) => err instanceof StorageUnavailableError && err.status === 503);
        assert.ok(Date.now() - started < 10_000, 'ping gave up in bounded time');
      } finally {
        await unreachable.close();
      }
    });

    test('inserts a batch and stores a repeated request_id once', async () => {
      const records = Array.from({ length: 10 }, (_, i) => toLedgerRecord(entry(i)));
      assert.equal(await insertLedgerRecords(storage.db, records), 10);
      const changed = toLedgerRecord(entry(3, { model: 'changed', cost_nanos: 999n }));
      const fresh = toLedgerRecord(entry(10));
      // Repeats across batches and within one batch.
      assert.equal(await insertLedgerRecords(storage.db, [records[0]!, changed, fresh, fresh]), 1);
      const totals = await ledgerTotals();
      assert.deepEqual(totals, { rows: 11, distinct: 11, cost_nanos: BigInt(Array.from({ length: 11 }, (_, i) => 1_000 + i).reduce((a, b) => a + b, 0)) });
      const [row3] = await listLedger(storage.db, { before: { created_at: T0 + 4, request_id: '' }, limit: 1 });
      assert.equal(row3?.request_id, 'req-000003');
      assert.equal(row3?.model, 'gpt-4o', 'the first write of a request_id wins');
    });

    test('keeps money exact above 2^53 nano-dollars', async () => {
      const amounts = [2n ** 53n + 1n, 2n ** 61n + 7n, 2n ** 62n + 3n];
      await insertLedgerRecords(
        storage.db,
        amounts.map((cost_nanos, i) => toLedgerRecord(entry(i, { user_id: 'user-big', cost_nanos }))),
      );
      const rows = await listLedger(storage.db, { limit: 10 });
      assert.deepEqual(rows.map((r) => r.cost_nanos).reverse(), amounts);
      assert.ok(rows.every((r) => typeof r.cost_nanos === 'bigint'));
      const spend = await sumSpendByScope(storage.db, 'user', 'user-big');
      assert.equal(spend.cost_nanos, amounts.reduce((a, b) => a + b, 0n));
      assert.equal(typeof spend.cost_nanos, 'bigint');

      const keys = new KeyRepository(storage.db);
      const key = await keys.create({ name: 'big', key_hash: 'hash-big', key_prefix: 'tg-big', budget_nanos: 2n ** 62n + 1n });
      assert.equal(key.budget_nanos, 2n ** 62n + 1n);
      assert.equal((await keys.getById(key.id))?.budget_nanos, 2n ** 62n + 1n);
    });

    test('lists ledger rows newest first, filtered by key, model and status', async () => {
      const entries = [
        entry(1, { key_id: 'k1', model: 'm1', status: 200 }),
        entry(2, { key_id: 'k2', model: 'm1', status: 429, error_code: 'rate_limit_rpm', attempts: [] }),
        entry(3, { key_id: 'k1', model: 'm2', status: 200, stream: true, ttft_ms: 40 }),
        // Same millisecond as the previous row: ordered by request id.
        entry(4, { created_at: T0 + 3, key_id: 'k1', model: 'm1', status: 502, error_code: 'all_attempts_failed' }),
        entry(5, {
          key_id: 'k2',
          model: 'm2',
          status: 200,
          tags: ['nightly', 'eval'],
          metadata: { run: 7, exact: 12345678901234567890n },
          cache_status: 'hit',
          cached_input_tokens: 3,
          cache_write_tokens: 2,
          reasoning_tokens: 4,
          end_user: 'alice',
          attempts: [
            { deployment: 'azure/gpt-4o', status: null, error_code: 'upstream_timeout', latency_ms: 30_000 },
            { deployment: 'openai/gpt-4o', status: 200, error_code: null, latency_ms: 900 },
          ],
        }),
      ];
      await insertLedgerRecords(storage.db, entries.map(toLedgerRecord));

      const ids = (rows: { request_id: string }[]): string[] => rows.map((r) => r.request_id);
      assert.deepEqual(ids(await listLedger(storage.db)), ['req-000005', 'req-000004', 'req-000003', 'req-000002', 'req-000001']);
      assert.deepEqual(ids(await listLedger(storage.db, { key: 'k1' })), ['req-000004', 'req-000003', 'req-000001']);
      assert.deepEqual(ids(await listLedger(storage.db, { model: 'm2' })), ['req-000005', 'req-000003']);
      assert.deepEqual(ids(await listLedger(storage.db, { status: 200, key: 'k1' })), ['req-000003', 'req-000001']);
      assert.deepEqual(ids(await listLedger(storage.db, { limit: 2 })), ['req-000005', 'req-000004']);

      // Paging with `before` visits every row once.
      const seen: string[] = [];
      let page = await listLedger(storage.db, { limit: 2 });
      while (page.length > 0) {
        seen.push(...ids(page));
        const last = page[page.length - 1]!;
        page = await listLedger(storage.db, { limit: 2, before: { created_at: last.created_at, request_id: last.request_id } });
      }
      assert.deepEqual(seen, ['req-000005', 'req-000004', 'req-000003', 'req-000002', 'req-000001']);

      const [row5] = await listLedger(storage.db, { limit: 1 });
      assert.deepEqual(row5, {
        request_id: 'req-000005',
        created_at: T0 + 5,
        key_id: 'k2',
        key_name: 'ci',
        user_id: 'user-a',
        team_id: 'team-a',
        org_id: 'org-a',
        end_user: 'alice',
        model: 'm2',
        deployment: 'openai/gpt-4o',
        provider: 'openai',
        surface: 'openai-chat',
        attempts: 2,
        attempt_details: [
          { deployment: 'azure/gpt-4o', status: null, error_code: 'upstream_timeout', latency_ms: 30_000 },
          { deployment: 'openai/gpt-4o', status: 200, error_code: null, latency_ms: 900 },
        ],
        status: 200,
        error_code: null,
        input_tokens: 10,
        cached_input_tokens: 3,
        cache_write_tokens: 2,
        output_tokens: 5,
        reasoning_tokens: 4,
        cost_nanos: 1_005n,
        latency_ms: 12,
        ttft_ms: null,
        stream: false,
        cache_status: 'hit',
        tags: ['nightly', 'eval'],
        metadata: { run: 7, exact: '12345678901234567890' },
      });
      const row3 = (await listLedger(storage.db, { model: 'm2', key: 'k1' }))[0];
      assert.equal(row3?.stream, true);
      assert.equal(row3?.ttft_ms, 40);
    });

    test('sums spend per key, user, team and org, within a period', async () => {
      await insertLedgerRecords(storage.db, [
        toLedgerRecord(entry(1, { key_id: 'k1', user_id: 'u1', team_id: 't1', org_id: 'o1', cost_nanos: 100n, input_tokens: 1, output_tokens: 2 })),
        toLedgerRecord(entry(2, { key_id: 'k2', user_id: 'u1', team_id: 't1', org_id: 'o1', cost_nanos: 200n, input_tokens: 3, output_tokens: 4 })),
        toLedgerRecord(entry(3, { key_id: 'k3', user_id: 'u2', team_id: 't2', org_id: 'o1', cost_nanos: 400n, input_tokens: 5, output_tokens: 6 })),
        toLedgerRecord(entry(4, { key_id: 'k3', user_id: 'u2', team_id: null, org_id: null, cost_nanos: 800n, input_tokens: 7, output_tokens: 8 })),
      ]);
      assert.deepEqual(await sumSpendByScope(storage.db, 'key', 'k3'), { cost_nanos: 1_200n, requests: 2, input_tokens: 12, output_tokens: 14 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'user', 'u1'), { cost_nanos: 300n, requests: 2, input_tokens: 4, output_tokens: 6 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'team', 't2'), { cost_nanos: 400n, requests: 1, input_tokens: 5, output_tokens: 6 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'org', 'o1'), { cost_nanos: 700n, requests: 3, input_tokens: 9, output_tokens: 12 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'org', 'nobody'), { cost_nanos: 0n, requests: 0, input_tokens: 0, output_tokens: 0 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'user', 'u2', { from: T0 + 4 }), { cost_nanos: 800n, requests: 1, input_tokens: 7, output_tokens: 8 });
      assert.deepEqual(await sumSpendByScope(storage.db, 'user', 'u2', { to: T0 + 4 }), { cost_nanos: 400n, requests: 1, input_tokens: 5, output_tokens: 6 });
    });

    governanceConformance(() => storage);
    ledgerWriterConformance(() => ({ storage, fixture, spoolPath, ledgerTotals }));
  });
}
