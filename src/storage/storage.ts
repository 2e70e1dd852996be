// What the rest of the gateway holds on to: one Kysely query layer over whichever backend the
// storage URL named. Code above this layer never branches on `backend`; it is there for logs,
// metrics and the few places where the SQL really differs.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type StorageBackend = 'sqlite' | 'postgres';

export interface Storage {
  readonly backend: StorageBackend;
  /** Where the data lives, safe to log (no password). */
  readonly location: string;
  readonly db: Kysely<Database>;
  /** Resolves when the database answers a trivial query in time; throws StorageUnavailableError otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
