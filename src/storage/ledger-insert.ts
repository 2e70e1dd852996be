// The one statement the ledger writer runs: a multi-row insert, all in one transaction, that skips
// rows whose request_id is already stored. That skip is what makes every retry and every spool
// replay safe: a row can be offered any number of times and is stored once.
import type { Kysely } from 'kysely';
import type { LedgerRecord } from './ledger-entry.js';
import type { Database } from './schema.js';
import { sqliteLedgerInsert } from './sqlite-ledger-insert.js';

// 28 columns × 500 rows = 14,000 parameters: under SQLite's 32,766 and PostgreSQL's 65,535.
const ROWS_PER_STATEMENT = 500;

/** Inserts the records; returns how many were new (the rest were already stored). */
export async function insertLedgerRecords(db: Kysely<Database>, records: readonly LedgerRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const fast = sqliteLedgerInsert(db, records);
  if (fast !== undefined) return fast;
  return db.transaction().execute(async (trx) => {
    let inserted = 0;
    for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
      const result = await trx
        .insertInto('ledger')
        .values(records.slice(i, i + ROWS_PER_STATEMENT))
        .onConflict((oc) => oc.column('request_id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return inserted;
  });
}

export type LedgerInserter = typeof insertLedgerRecords;
