// Opens the database a storage URL names, behind one Kysely query layer, and (by default) brings
// its schema up to date. The backend is chosen here and nowhere else.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect } from 'kysely';
import { describeError } from './db-error-kind.js';
import { IntegerColumnsPlugin } from './integer-columns-plugin.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Storage, StorageBackend } from './storage.js';
import { StorageUnavailableError } from './storage-errors.js';
import { parseStorageUrl } from './storage-url.js';
import { attachSqliteLedgerInsert } from './sqlite-ledger-insert.js';

export interface OpenStorageOptions {
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean;
  /** Base for relative sqlite paths (default: the working directory). */
  readonly cwd?: string;
  /** Default time a ping may take before the store counts as unavailable (default 2 s). */
  readonly pingTimeoutMs?: number;
  /** SQLite: how long a write waits for another writer's lock (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL connection pool size (default 10). */
  readonly poolSize?: number;
  /** PostgreSQL: time to establish a connection (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL: server-side limit per statement (default 30 s); the client gives up 1 s later. */
  readonly statementTimeoutMs?: number;
  /** Errors on idle pooled connections (server restart, network drop): report them, e.g. as a log line. */
  readonly onBackgroundError?: (err: Error) => void;
}

const DEFAULT_PING_TIMEOUT_MS = 2_000;

export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const target = parseStorageUrl(url, options.cwd);
  let dialect: Dialect;
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    if (target.backend === 'sqlite') {
      sqlite = openSqlite(target.path, options);
      dialect = new SqliteDialect({ database: sqlite });
    } else {
      dialect = await postgresDialect(target.connectionString, options);
    }
  } catch (err) {
    // A directory that cannot be created, a file that cannot be opened or is not a database.
    throw new StorageUnavailableError(`Cannot open ${target.location}: ${describeError(err)}`, err);
  }
  const db = new Kysely<Database>({ dialect, plugins: [new IntegerColumnsPlugin()] });
  if (sqlite !== undefined) attachSqliteLedgerInsert(db, sqlite);
  const storage = new KyselyStorage(target.backend, target.location, db, options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS);
  if (options.migrate ?? true) {
    try {
      // Unreachable is a different failure from a migration that fails: say which.
      await storage.ping();
      await migrateToLatest(db);
    } catch (err) {
      await storage.close();
      throw err;
    }
  }
  return storage;
}

function openSqlite(path: string, options: OpenStorageOptions): BetterSqlite3.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const database = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  // Money columns exceed 2^53; without this better-sqlite3 would round them to the nearest double.
  database.defaultSafeIntegers(true);
  if (path !== ':memory:') database.pragma('journal_mode = WAL');
  // NORMAL (with WAL): a committed batch survives a process crash; a power cut may lose the last
  // checkpoint interval. FULL fsynced every batch commit on the event-loop thread (up to 14 ms each
  // on this machine), which showed up as the gateway's p99. In-memory databases ignore it.
  database.pragma('synchronous = NORMAL');
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  database.pragma('foreign_keys = ON');
  return database;
}

/** pg is loaded only for PostgreSQL: the embedded default never pays its memory. */
async function postgresDialect(connectionString: string, options: OpenStorageOptions): Promise<PostgresDialect> {
  const { default: pg } = await import('pg');
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    // Covers what statement_timeout cannot: a server or network that stops answering altogether.
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    idleTimeoutMillis: 30_000,
    application_name: 'tollgate',
    // BIGINT (and COUNT) as bigint, per pool rather than by changing pg's process-wide parsers.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 && format !== 'binary'
          ? (value: string) => BigInt(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose connection dies emits 'error' on the pool; unhandled, that would crash
  // the process. The next query fails loudly on its own, so reporting is enough here.
  pool.on('error', (err) => options.onBackgroundError?.(err));
  return new PostgresDialect({ pool });
}

class KyselyStorage implements Storage {
  #closed: Promise<void> | undefined;

  constructor(
    readonly backend: StorageBackend,
    readonly location: string,
    readonly db: Kysely<Database>,
    private readonly pingTimeoutMs: number,
  ) {}

  async ping(timeoutMs: number = this.pingTimeoutMs): Promise<void> {
    if (this.#closed) throw new StorageUnavailableError(`${this.location} is closed`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StorageUnavailableError(`${this.location} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([sql`select 1`.execute(this.db), timeout]);
    } catch (err) {
      if (err instanceof StorageUnavailableError) throw err;
      throw new StorageUnavailableError(`${this.location} is unavailable: ${describeError(err)}`, err);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.db.destroy();
    return this.#closed;
  }
}
