// Backend-specific details of opening SQLite; everything shared is in storage.conformance.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStorage } from './open-storage.js';
import { StorageUnavailableError } from './storage-errors.js';

test('opens a relative sqlite path, creating its directories, in WAL mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-open-'));
  try {
    const storage = await openStorage('sqlite://./a/b/tollgate.db', { cwd: dir });
    try {
      assert.equal(storage.backend, 'sqlite');
      assert.ok(existsSync(join(dir, 'a', 'b', 'tollgate.db')));
      const { rows } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(storage.db);
      assert.equal(rows[0]?.journal_mode, 'wal');
      const busy = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(storage.db);
      assert.equal(busy.rows[0]?.timeout, 5_000);
    } finally {
      await storage.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('opens sqlite in memory, migrated', async () => {
  const storage = await openStorage('sqlite::memory:');
  try {
    await storage.ping();
    const row = await storage.db.selectFrom('ledger').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(row.n, 0);
  } finally {
    await storage.close();
  }
});

test('reads integers as numbers and *_nanos as exact bigints, and refuses to round', async () => {
  const storage = await openStorage('sqlite::memory:', { migrate: false });
  try {
    const { rows } = await sql<Record<string, unknown>>`select 42 as n, 9007199254740993 as total_nanos, 7 as small_nanos`.execute(storage.db);
    assert.deepEqual(rows[0], { n: 42, total_nanos: 9007199254740993n, small_nanos: 7n });
    await assert.rejects(sql`select 9007199254740993 as big`.execute(storage.db), /beyond exact JS numbers/);
  } finally {
    await storage.close();
  }
});

test('says storage is unavailable when the sqlite file cannot be opened', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-open-'));
  try {
    await writeFile(join(dir, 'not-a-dir'), 'x');
    await assert.rejects(openStorage(`sqlite://${join(dir, 'not-a-dir', 't.db')}`), StorageUnavailableError);
    await writeFile(join(dir, 'garbage.db'), 'this is not an sqlite database, not even close to one; '.repeat(20));
    await assert.rejects(openStorage(`sqlite://${join(dir, 'garbage.db')}`), StorageUnavailableError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
