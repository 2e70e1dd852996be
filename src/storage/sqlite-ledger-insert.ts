// The ledger insert on SQLite, as one prepared single-row statement run once per row inside one
// transaction. Through Kysely, every batch built a multi-row statement with rows × 28 parameters,
// which better-sqlite3 then parsed and prepared afresh: ~50 µs per row on the event-loop thread,
// the largest single cost of a request in the benchmark profile. Prepared once, a row costs a few µs.
//
// openStorage() attaches the better-sqlite3 handle behind each SQLite Kysely instance here; the
// ledger insert (ledger-insert.ts) looks it up, so every caller — the writer, spool replay, the
// conformance suite — takes the same path on the same backend. PostgreSQL keeps the Kysely insert
// (its I/O is asynchronous, and one round trip per batch is what it wants).
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { LEDGER_COLUMNS, type LedgerRecord } from './ledger-entry.js';
import type { Database } from './schema.js';

type InsertRows = (records: readonly LedgerRecord[]) => number;

const attached = new WeakMap<Kysely<Database>, InsertRows>();

const INSERT_SQL = `INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (request_id) DO NOTHING`;

/** Called by openStorage for SQLite. The statement is prepared on first use: it needs the migrated table. */
export function attachSqliteLedgerInsert(db: Kysely<Database>, database: BetterSqlite3.Database): void {
  let insertAll: InsertRows | undefined;
  attached.set(db, (records) => {
    if (insertAll === undefined) {
      const statement = database.prepare(INSERT_SQL);
      // A throw inside rolls the whole batch back, as the Kysely insert did: the batch store then
      // retries row by row to set aside the one that cannot be stored.
      insertAll = database.transaction((rows: readonly LedgerRecord[]): number => {
        let inserted = 0;
        for (const r of rows) inserted += statement.run(LEDGER_COLUMNS.map((c) => r[c])).changes;
        return inserted;
      });
    }
    return insertAll(records);
  });
}

/**
 * Inserts on the SQLite handle behind `db`, or returns undefined when there is none (PostgreSQL).
 * Runs while holding Kysely's one SQLite connection, so it can never interleave with a Kysely
 * transaction that is awaiting between its statements.
 */
export function sqliteLedgerInsert(db: Kysely<Database>, records: readonly LedgerRecord[]): Promise<number> | undefined {
  const insertAll = attached.get(db);
  if (insertAll === undefined) return undefined;
  return db.connection().execute(async () => insertAll(records));
}
