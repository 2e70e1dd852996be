// Real Redis and PostgreSQL for tests, isolated per test file: a private redis-server on a free port,
// a fresh PostgreSQL database dropped afterwards. Without them a test skips with the reason — except
// under CI, where a missing service fails the run.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { redisServerUnavailableReason, startRedisServer, type RedisServerProcess } from '../../src/state/redis/redis-server-process.js';

export const PG_ADMIN_URL = process.env['TOLLGATE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function missing(reason: string): string {
  if (process.env['CI']) throw new Error(`CI requires this service: ${reason}`);
  return reason;
}

export function redisMissing(): string | undefined {
  const r = redisServerUnavailableReason();
  return r === null ? undefined : missing(r);
}

/** A private redis-server; `port` starts it where a stopped one was (the data is gone). */
export async function startRedis(opts: { readonly port?: number } = {}): Promise<RedisServerProcess> {
  return startRedisServer([], opts);
}

export interface TempDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function postgresMissing(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (err) {
    return missing(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(err as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function freshPostgres(): Promise<TempDatabase> {
  const name = `tollgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
