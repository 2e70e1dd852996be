// The storage conformance suite on SQLite: a temp file per run. An outage is simulated for real
// by switching the writer's connection to read-only (PRAGMA query_only), so inserts fail in SQLite
// itself with SQLITE_READONLY, as they would on a read-only or locked file; a row the database
// refuses, by a trigger (SQLITE_CONSTRAINT_TRIGGER).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { storageConformance } from './storage.conformance.js';

storageConformance({
  name: 'sqlite',
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tollgate-sqlite-'));
    return {
      // A parent directory that does not exist yet: opening must create it.
      url: `sqlite://${join(dir, 'nested', 'tollgate.db')}`,
      outage: async (storage) => {
        await sql`PRAGMA query_only = ON`.execute(storage.db);
        return async () => {
          await sql`PRAGMA query_only = OFF`.execute(storage.db);
        };
      },
      refuseModel: async (storage, model) => {
        await sql`CREATE TRIGGER tg_test_refuse BEFORE INSERT ON ledger WHEN NEW.model = ${sql.lit(model)}
                  BEGIN SELECT RAISE(ABORT, 'this model is refused'); END`.execute(storage.db);
        return async () => {
          await sql`DROP TRIGGER tg_test_refuse`.execute(storage.db);
        };
      },
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
