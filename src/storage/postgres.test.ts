// The storage conformance suite on PostgreSQL: a fresh database per run, dropped afterwards. An
// outage is real: the database stops accepting connections and its sessions are terminated; a row
// the database refuses, by a CHECK constraint (SQLSTATE 23514).
// Without a reachable server the suite is skipped with the reason — unless CI is set, where a
// missing database must fail the build rather than silently test nothing.
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { storageConformance } from './storage.conformance.js';

// The same variable as test/helpers/services.ts, so one setting points every suite at the server.
const ADMIN_URL = process.env['TOLLGATE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function unreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${ADMIN_URL}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reason = await unreachableReason();

if (reason !== undefined && process.env.CI) {
  test('PostgreSQL is reachable (required when CI is set)', () => {
    assert.fail(reason);
  });
} else {
  storageConformance({
    name: 'postgres',
    skip: reason,
    unreachableUrl: 'postgres://postgres@127.0.0.1:1/tollgate',
    create: async () => {
      const name = `tollgate_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        outage: async () => {
          await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
          return async () => {
            await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
          };
        },
        refuseModel: async (storage, model) => {
          await sql`ALTER TABLE ledger ADD CONSTRAINT tg_test_refuse CHECK (model <> ${sql.lit(model)})`.execute(storage.db);
          return async () => {
            await sql`ALTER TABLE ledger DROP CONSTRAINT tg_test_refuse`.execute(storage.db);
          };
        },
        dispose: async () => {
          try {
            await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          } finally {
            await admin.end();
          }
        },
      };
    },
  });
}
