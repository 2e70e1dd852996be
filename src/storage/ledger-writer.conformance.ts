// The ledger writer against a real backend: part of the storage conformance suite, registered by
// storageConformance (which empties the tables before each test); not run on its own. M8: under
// load, with the database down, flaky or slower than the traffic, no row is lost and none is
// stored twice. Faults are real where the backend can produce them (an outage, a constraint) and
// injected through the writer's insert seam where it cannot (a flaky connection, a slow one).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { toLedgerRecord, type LedgerEntry, type LedgerRecord } from './ledger-entry.js';
import { insertLedgerRecords } from './ledger-insert.js';
import { LedgerWriter, type LedgerWriterEvent } from './ledger-writer.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';
import { StorageUnavailableError } from './storage-errors.js';
import { entry, type StorageFixture } from './storage.conformance.js';

export interface WriterSuiteContext {
  readonly storage: Storage;
  readonly fixture: StorageFixture;
  /** A fresh spool path under the suite's temp directory. */
  readonly spoolPath: () => string;
  readonly ledgerTotals: () => Promise<{ rows: number; distinct: number; cost_nanos: bigint }>;
}

const unavailable = (): Error => Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });

async function count(totals: WriterSuiteContext['ledgerTotals']): Promise<{ rows: number; distinct: number }> {
  const t = await totals();
  return { rows: t.rows, distinct: t.distinct };
}

function readSpool(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function ledgerWriterConformance(get: () => WriterSuiteContext): void {
    test('M8: 5,000 concurrent writes all land exactly once', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      const writer = new LedgerWriter({ db: storage.db, spoolPath: spoolPath(), batchSize: 200, flushIntervalMs: 5 });
      const producers = 50;
      const perProducer = 100;
      await Promise.all(
        Array.from({ length: producers }, async (_, p) => {
          for (let i = 0; i < perProducer; i += 1) {
            writer.write(entry(p * perProducer + i));
            // Every few rows, let other producers and the writer's own flushes run in between.
            if (i % 7 === 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
          }
        }),
      );
      // The same requests offered again (a retried settle, say) must not double the ledger.
      for (let i = 0; i < 500; i += 1) writer.write(entry(i * 10));
      await writer.close();

      const n = producers * perProducer;
      const expectedCost = BigInt(n * 1_000 + (n * (n - 1)) / 2);
      assert.deepEqual(await ledgerTotals(), { rows: n, distinct: n, cost_nanos: expectedCost });
      const stats = writer.stats();
      assert.equal(stats.rowsWritten, n + 500);
      assert.equal(stats.rowsDuplicate, 500);
      assert.equal(stats.rowsSpooled, 0);
      assert.equal(stats.buffered, 0);
      assert.equal(stats.batchesFailed, 0);
    });

    test('M8: rows spool to disk while the database is down and replay exactly once when it returns', async () => {
      const { storage, fixture, spoolPath, ledgerTotals } = get();
      const events: LedgerWriterEvent[] = [];
      const path = spoolPath();
      const writer = new LedgerWriter({
        db: storage.db,
        spoolPath: path,
        batchSize: 50,
        flushIntervalMs: 5,
        retryInitialMs: 20,
        retryMaxMs: 200,
        onEvent: (e) => events.push(e),
      });
      try {
        for (let i = 0; i < 100; i += 1) writer.write(entry(i));
        await writer.flush();
        assert.equal((await ledgerTotals()).rows, 100);

        const endOutage = await fixture.outage(storage);
        try {
          for (let i = 100; i < 600; i += 1) writer.write(entry(i));
          await writer.flush(); // resolves: the rows are safe in the spool
          const stats = writer.stats();
          assert.equal(stats.rowsSpooled, 500);
          assert.equal(stats.databaseHealthy, false);
          assert.equal(stats.spoolPending, true);
          assert.ok(stats.batchesFailed >= 1);
          assert.equal(readSpool(path).length, 500, 'every row waiting for the database is on disk');
          // Replays keep failing while the outage lasts, and nothing is lost meanwhile.
          await waitFor(() => events.some((e) => e.type === 'replay_failed'), 10_000, 'a failed replay attempt');
        } finally {
          await endOutage();
        }

        await waitFor(() => !writer.stats().spoolPending, 20_000, 'the spool to be replayed');
        const n = 600;
        assert.deepEqual(await ledgerTotals(), { rows: n, distinct: n, cost_nanos: BigInt(n * 1_000 + (n * (n - 1)) / 2) });
        assert.equal(writer.stats().rowsReplayed, 500);
        assert.equal(writer.stats().databaseHealthy, true);
        assert.equal(existsSync(path), false, 'replayed rows are removed from the spool');
        assert.ok(events.some((e) => e.type === 'batch_failed'));
        assert.ok(events.some((e) => e.type === 'replayed' && e.rows === 500), JSON.stringify(events.map((e) => [e.type, 'rows' in e ? e.rows : null, 'error' in e ? String(e.error) : null])));

        // Healthy again: new rows go straight to the database.
        for (let i = 600; i < 650; i += 1) writer.write(entry(i));
        await writer.flush();
        assert.equal((await ledgerTotals()).rows, 650);
        assert.equal(writer.stats().rowsSpooled, 500);
      } finally {
        await writer.close();
      }
    });

    test('M8: a spool left by an earlier process is replayed on start, exactly once', async () => {
      const { storage, fixture, spoolPath, ledgerTotals } = get();
      const path = spoolPath();
      const endOutage = await fixture.outage(storage);
      const first = new LedgerWriter({ db: storage.db, spoolPath: path, batchSize: 100, flushIntervalMs: 5, retryInitialMs: 60_000 });
      try {
        for (let i = 0; i < 300; i += 1) first.write(entry(i));
        await first.close(); // the database is down: close leaves the rows in the spool
      } finally {
        await endOutage();
      }
      assert.equal(first.stats().rowsSpooled, 300);
      assert.equal(readSpool(path).length, 300);
      // As if the earlier process had crashed after replaying a third of the spool but before
      // removing those lines from the file.
      await insertLedgerRecords(storage.db, Array.from({ length: 100 }, (_, i) => toLedgerRecord(entry(i))));

      const second = new LedgerWriter({ db: storage.db, spoolPath: path, batchSize: 100, flushIntervalMs: 5, retryInitialMs: 20 });
      try {
        assert.equal(second.stats().spoolPending, true);
        await waitFor(() => second.stats().rowsReplayed === 300 && !second.stats().spoolPending, 20_000, 'the old spool to be replayed');
        assert.deepEqual(await ledgerTotals(), { rows: 300, distinct: 300, cost_nanos: BigInt(300 * 1_000 + (300 * 299) / 2) });
        assert.equal(second.stats().rowsDuplicate, 100);
        assert.equal(existsSync(path), false);
      } finally {
        await second.close();
      }
    });

    test('M8: close writes the rows still waiting for their batch, and later rows go to the spool', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      const path = spoolPath();
      const writer = new LedgerWriter({ db: storage.db, spoolPath: path, batchSize: 1_000, flushIntervalMs: 60_000 });
      for (let i = 0; i < 123; i += 1) writer.write(entry(i));
      assert.equal((await ledgerTotals()).rows, 0, 'nothing flushed before the batch fills or the timer fires');
      await writer.close();
      assert.equal((await ledgerTotals()).rows, 123);
      assert.equal(writer.stats().buffered, 0);

      writer.write(entry(123)); // a straggler after shutdown began
      await waitFor(() => writer.stats().rowsSpooled === 1, 5_000, 'the straggler to be spooled');
      assert.equal(readSpool(path).length, 1);
      const next = new LedgerWriter({ db: storage.db, spoolPath: path, retryInitialMs: 20 });
      try {
        await waitFor(() => next.stats().rowsReplayed === 1, 10_000, 'the straggler to be replayed');
        assert.equal((await ledgerTotals()).rows, 124);
      } finally {
        await next.close();
      }
    });

    test('sets aside an entry it cannot store, without throwing, and stores the rest', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      const path = spoolPath();
      const events: LedgerWriterEvent[] = [];
      const writer = new LedgerWriter({ db: storage.db, spoolPath: path, batchSize: 10, onEvent: (e) => events.push(e) });
      writer.write(entry(1));
      assert.doesNotThrow(() => writer.write(entry(2, { input_tokens: 1.5 })));
      assert.doesNotThrow(() => writer.write(null as unknown as LedgerEntry));
      writer.write(entry(3));
      await writer.close();
      await waitFor(() => writer.stats().rowsRejected === 2, 5_000, 'the bad entries to be set aside');
      assert.equal((await ledgerTotals()).rows, 2);
      const rejected = readSpool(path.replace(/\.jsonl$/, '.rejected.jsonl'));
      assert.equal(rejected.length, 2);
      assert.ok(rejected.some((line) => /input_tokens/.test(line)), 'the reason names the bad field');
      assert.ok(events.some((e) => e.type === 'rows_rejected'));
    });

    test('sets aside the one row the database refuses and stores the rest of its batch', async () => {
      const { storage, fixture, spoolPath, ledgerTotals } = get();
      const endRefusal = await fixture.refuseModel(storage, 'poison');
      const path = spoolPath();
      const events: LedgerWriterEvent[] = [];
      const writer = new LedgerWriter({
        db: storage.db,
        spoolPath: path,
        batchSize: 10,
        onEvent: (e) => {
          events.push(e);
          throw new Error('a broken observer must not break the writer');
        },
      });
      try {
        for (let i = 0; i < 10; i += 1) writer.write(entry(i, i === 3 ? { model: 'poison' } : {}));
        await writer.close();
      } finally {
        await endRefusal();
      }
      assert.deepEqual(await count(ledgerTotals), { rows: 9, distinct: 9 });
      const stats = writer.stats();
      assert.equal(stats.rowsRejected, 1);
      assert.equal(stats.rowsWritten, 9);
      assert.equal(stats.rowsSpooled, 0);
      const rejected = readSpool(path.replace(/\.jsonl$/, '.rejected.jsonl'));
      assert.equal(rejected.length, 1);
      const item = JSON.parse(rejected[0]!) as { reason: string; record: { request_id: string; cost_nanos: string } };
      assert.equal(item.record.request_id, 'req-000003');
      assert.equal(item.record.cost_nanos, '1003');
      assert.match(item.reason, /refuse/, 'the reason is what the database said');
      assert.ok(events.some((e) => e.type === 'rows_rejected'));
    });

    test('holds rows in memory, and says so, while neither the database nor the spool can take them', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      // A file where the spool's directory should be: the spool cannot be written.
      const blocker = join(spoolPath(), '..', 'blocker');
      mkdirSync(join(blocker, '..'), { recursive: true });
      writeFileSync(blocker, 'a file where the spool directory should be');
      const events: LedgerWriterEvent[] = [];
      let down = true;
      const writer = new LedgerWriter({
        db: storage.db,
        spoolPath: join(blocker, 'ledger-spool.jsonl'),
        batchSize: 5,
        retryInitialMs: 20,
        insert: async (db: Kysely<Database>, records: readonly LedgerRecord[]) => {
          if (down) throw unavailable();
          return insertLedgerRecords(db, records);
        },
        onEvent: (e) => events.push(e),
      });
      for (let i = 0; i < 12; i += 1) assert.doesNotThrow(() => writer.write(entry(i)));
      await assert.rejects(writer.flush(), (err: unknown) => err instanceof StorageUnavailableError && /12 ledger rows/.test(err.message));
      assert.equal(writer.stats().buffered, 12);
      assert.ok(events.some((e) => e.type === 'spool_failed'));
      assert.ok(events.some((e) => e.type === 'batch_failed'));

      down = false; // the database returns; the spool is still unusable
      await writer.flush();
      assert.equal(writer.stats().buffered, 0);
      assert.deepEqual(await count(ledgerTotals), { rows: 12, distinct: 12 });
      await writer.close();
    });

    test('spools the overflow when the database is slower than the traffic, and replays it', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      const path = spoolPath();
      const writer = new LedgerWriter({
        db: storage.db,
        spoolPath: path,
        batchSize: 100,
        maxBufferedRows: 300,
        retryInitialMs: 20,
        insert: async (db, records) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return insertLedgerRecords(db, records);
        },
      });
      for (let i = 0; i < 2_000; i += 1) writer.write(entry(i));
      await waitFor(() => writer.stats().rowsSpooled > 0, 10_000, 'the overflow to be spooled');
      await writer.close();
      await waitFor(() => !existsSync(path) || writer.stats().spoolPending === false, 10_000, 'the spool to drain');
      assert.deepEqual(await count(ledgerTotals), { rows: 2_000, distinct: 2_000 });
      const stats = writer.stats();
      assert.equal(stats.rowsWritten + stats.rowsReplayed, 2_000);
      assert.ok(stats.rowsSpooled > 0);
    });

    test('M8: a burst against a flaky database loses nothing and stores nothing twice', async () => {
      const { storage, spoolPath, ledgerTotals } = get();
      const path = spoolPath();
      // Deterministic "random" failures: about a third of all inserts, replays included, fail.
      let state = 42;
      const flaky = (): boolean => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return state % 3 === 0;
      };
      const writer = new LedgerWriter({
        db: storage.db,
        spoolPath: path,
        batchSize: 50,
        flushIntervalMs: 2,
        retryInitialMs: 5,
        retryMaxMs: 20,
        insert: async (db, records) => {
          await new Promise((resolve) => setImmediate(resolve));
          if (flaky()) throw unavailable();
          return insertLedgerRecords(db, records);
        },
      });
      const n = 3_000;
      for (let i = 0; i < n; i += 1) {
        writer.write(entry(i));
        if (i % 97 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await waitFor(() => writer.stats().buffered === 0 && !writer.stats().spoolPending, 20_000, 'the flaky run to settle');
      await writer.close();
      const stats = writer.stats();
      assert.ok(stats.batchesFailed > 0, 'faults were injected');
      assert.ok(stats.rowsSpooled > 0 && stats.rowsReplayed > 0);
      // Whatever the last flaky attempts left in the spool, a healthy successor replays.
      const successor = new LedgerWriter({ db: storage.db, spoolPath: path, retryInitialMs: 5 });
      await successor.close();
      assert.deepEqual(await count(ledgerTotals), { rows: n, distinct: n });
      assert.equal(existsSync(path), false);
    });
}
