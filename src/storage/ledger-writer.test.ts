// Writer behaviours that do not depend on the backend (those that do are in the conformance
// suite): poison rows, a spool that cannot be written, a database slower than the traffic, and a
// flaky database under a burst. SQLite in memory; faults are real where SQLite can produce them,
// and injected through the writer's insert seam where it cannot.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { insertLedgerRecords } from './ledger-insert.js';
import type { LedgerRecord } from './ledger-entry.js';
import { LedgerWriter, type LedgerWriterEvent } from './ledger-writer.js';
import { openStorage } from './open-storage.js';
import type { Database } from './schema.js';
import type { Storage } from './storage.js';
import { StorageUnavailableError } from './storage-errors.js';
import { entry } from './storage.conformance.js';

let dir: string;
let seq = 0;
const spoolPath = (): string => join(dir, `w${++seq}`, 'ledger-spool.jsonl');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tollgate-writer-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withStorage(fn: (storage: Storage) => Promise<void>): Promise<void> {
  const storage = await openStorage('sqlite::memory:');
  try {
    await fn(storage);
  } finally {
    await storage.close();
  }
}

async function count(storage: Storage): Promise<{ rows: number; distinct: number }> {
  return storage.db
    .selectFrom('ledger')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('request_id').distinct().as('distinct')])
    .executeTakeFirstOrThrow();
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const unavailable = (): Error => Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });

test('sets aside the one row the database refuses and stores the rest of its batch', () =>
  withStorage(async (storage) => {
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON ledger WHEN NEW.model = 'poison'
              BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`.execute(storage.db);
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
    for (let i = 0; i < 10; i += 1) writer.write(entry(i, i === 3 ? { model: 'poison' } : {}));
    await writer.close();
    assert.deepEqual(await count(storage), { rows: 9, distinct: 9 });
    const stats = writer.stats();
    assert.equal(stats.rowsRejected, 1);
    assert.equal(stats.rowsWritten, 9);
    assert.equal(stats.rowsSpooled, 0);
    const rejected = readFileSync(path.replace(/\.jsonl$/, '.rejected.jsonl'), 'utf8').trim().split('\n');
    assert.equal(rejected.length, 1);
    const item = JSON.parse(rejected[0]!) as { reason: string; record: { request_id: string; cost_nanos: string } };
    assert.equal(item.record.request_id, 'req-000003');
    assert.equal(item.record.cost_nanos, '1003');
    assert.match(item.reason, /poisoned row/);
    assert.ok(events.some((e) => e.type === 'rows_rejected'));
  }));

test('holds rows in memory, and says so, while neither the database nor the spool can take them', () =>
  withStorage(async (storage) => {
    const blocker = join(dir, `blocker-${++seq}`);
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
    assert.deepEqual(await count(storage), { rows: 12, distinct: 12 });
    await writer.close();
  }));

test('spools the overflow when the database is slower than the traffic, and replays it', () =>
  withStorage(async (storage) => {
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
    await waitFor(() => writer.stats().rowsSpooled > 0, 'the overflow to be spooled');
    await writer.close();
    await waitFor(() => !existsSync(path) || writer.stats().spoolPending === false, 'the spool to drain');
    assert.deepEqual(await count(storage), { rows: 2_000, distinct: 2_000 });
    const stats = writer.stats();
    assert.equal(stats.rowsWritten + stats.rowsReplayed, 2_000);
    assert.ok(stats.rowsSpooled > 0);
  }));

test('M8: a burst against a flaky database loses nothing and stores nothing twice', () =>
  withStorage(async (storage) => {
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
    await waitFor(() => writer.stats().buffered === 0 && !writer.stats().spoolPending, 'the flaky run to settle', 20_000);
    await writer.close();
    const stats = writer.stats();
    assert.ok(stats.batchesFailed > 0, 'faults were injected');
    assert.ok(stats.rowsSpooled > 0 && stats.rowsReplayed > 0);
    // Whatever the last flaky attempts left in the spool, a healthy successor replays.
    const successor = new LedgerWriter({ db: storage.db, spoolPath: path, retryInitialMs: 5 });
    await successor.close();
    assert.deepEqual(await count(storage), { rows: n, distinct: n });
    assert.equal(existsSync(path), false);
  }));
