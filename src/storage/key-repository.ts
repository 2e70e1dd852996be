// Virtual API keys at rest. Only a hash of each secret is stored, plus a short prefix so people
// can recognise a key in a list; generating and hashing the secret is the auth layer's job.
// Revocation and expiry are recorded here and enforced by the auth layer; `updated_at` moves on
// every change so other replicas can poll for what changed (`list({ updated_since })`).
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { isUniqueViolation, toStorageError } from './db-error-kind.js';
import type { ApiKeysTable, Database } from './schema.js';
import { KeyConflictError } from './storage-errors.js';

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly key_hash: string;
  readonly key_prefix: string;
  readonly user_id: string | null;
  readonly team_id: string | null;
  readonly org_id: string | null;
  /** Models this key may use; null means every model. */
  readonly models: readonly string[] | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly budget_nanos: bigint | null;
  /** As the policy layer names periods ('daily', 'monthly', …); null when the budget never resets. */
  readonly budget_period: string | null;
  /** null = calendar periods; 'rolling' = the last 24 h / 7 d / 30 d. */
  readonly budget_window: string | null;
  readonly limits: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch; null for a key that never expires. */
  readonly expires_at: number | null;
  readonly revoked_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface NewApiKey {
  /** Chosen by the repository when absent. */
  readonly id?: string;
  readonly name: string;
  readonly key_hash: string;
  readonly key_prefix: string;
  readonly user_id?: string | null;
  readonly team_id?: string | null;
  readonly org_id?: string | null;
  readonly models?: readonly string[] | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly budget_nanos?: bigint | null;
  readonly budget_period?: string | null;
  readonly budget_window?: string | null;
  readonly limits?: Readonly<Record<string, unknown>>;
  readonly expires_at?: number | null;
}

/** Fields an update may change. The hash, id and revocation are not among them. */
export type ApiKeyPatch = Partial<Omit<NewApiKey, 'id' | 'key_hash' | 'key_prefix'>>;

export interface ListKeysOptions {
  readonly user_id?: string;
  readonly team_id?: string;
  readonly org_id?: string;
  /** Include revoked keys (default: false, except with `updated_since`, where revocations are the point). */
  readonly include_revoked?: boolean;
  /** Only keys changed at or after this time (ms), oldest change first: for replicas catching up. */
  readonly updated_since?: number;
  /** Default 100, capped at 1,000. */
  readonly limit?: number;
  readonly offset?: number;
}

const REFERENCE_COLUMN = { user: 'user_id', team: 'team_id', org: 'org_id' } as const;

/** Longer than this, a "prefix" is probably the secret itself, which must never be stored. */
const MAX_PREFIX_LENGTH = 16;

export class KeyRepository {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, options: { readonly now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  async create(key: NewApiKey): Promise<ApiKey> {
    if (key.key_prefix.length > MAX_PREFIX_LENGTH) {
      throw new RangeError(`key_prefix must be at most ${MAX_PREFIX_LENGTH} characters: store a hash, never the key`);
    }
    if (key.key_hash === '') throw new RangeError('key_hash must not be empty');
    const now = this.#now();
    try {
      const row = await this.#db
        .insertInto('api_keys')
        .values({
          id: key.id ?? `key_${randomUUID().replaceAll('-', '')}`,
          name: key.name,
          key_hash: key.key_hash,
          key_prefix: key.key_prefix,
          user_id: key.user_id ?? null,
          team_id: key.team_id ?? null,
          org_id: key.org_id ?? null,
          models: key.models == null ? null : JSON.stringify(key.models),
          metadata: JSON.stringify(key.metadata ?? {}),
          budget_nanos: checkMoney(key.budget_nanos ?? null),
          budget_period: key.budget_period ?? null,
          budget_window: key.budget_window ?? null,
          limits: JSON.stringify(key.limits ?? {}),
          expires_at: key.expires_at ?? null,
          revoked_at: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiKey(row);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new KeyConflictError(err instanceof Error && err.message.includes('key_hash') ? 'hash' : 'id', err);
      }
      throw toStorageError(err, 'creating an API key');
    }
  }

  /** The key whose secret hashes to `keyHash`, revoked and expired keys included (auth decides). */
  async getByHash(keyHash: string): Promise<ApiKey | undefined> {
    return this.#one('looking up an API key', (db) => db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst());
  }

  async getById(id: string): Promise<ApiKey | undefined> {
    return this.#one('reading an API key', (db) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async list(options: ListKeysOptions = {}): Promise<ApiKey[]> {
    let query = this.#db.selectFrom('api_keys').selectAll();
    if (options.user_id !== undefined) query = query.where('user_id', '=', options.user_id);
    if (options.team_id !== undefined) query = query.where('team_id', '=', options.team_id);
    if (options.org_id !== undefined) query = query.where('org_id', '=', options.org_id);
    if (!(options.include_revoked ?? options.updated_since !== undefined)) query = query.where('revoked_at', 'is', null);
    if (options.updated_since !== undefined) {
      query = query.where('updated_at', '>=', options.updated_since).orderBy('updated_at', 'asc').orderBy('id', 'asc');
    } else {
      query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    }
    const limit = Math.min(1_000, Math.max(1, Math.floor(options.limit ?? 100)));
    query = query.limit(limit).offset(Math.max(0, Math.floor(options.offset ?? 0)));
    try {
      return (await query.execute()).map(toApiKey);
    } catch (err) {
      throw toStorageError(err, 'listing API keys');
    }
  }

  /** Applies the fields present in `patch`; undefined when no such key. */
  async update(id: string, patch: ApiKeyPatch): Promise<ApiKey | undefined> {
    const set: Updateable<ApiKeysTable> = { updated_at: this.#now() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.user_id !== undefined) set.user_id = patch.user_id;
    if (patch.team_id !== undefined) set.team_id = patch.team_id;
    if (patch.org_id !== undefined) set.org_id = patch.org_id;
    if (patch.models !== undefined) set.models = patch.models === null ? null : JSON.stringify(patch.models);
    if (patch.metadata !== undefined) set.metadata = JSON.stringify(patch.metadata);
    if (patch.budget_nanos !== undefined) set.budget_nanos = checkMoney(patch.budget_nanos);
    if (patch.budget_period !== undefined) set.budget_period = patch.budget_period;
    if (patch.budget_window !== undefined) set.budget_window = patch.budget_window;
    if (patch.limits !== undefined) set.limits = JSON.stringify(patch.limits);
    if (patch.expires_at !== undefined) set.expires_at = patch.expires_at;
    return this.#one('updating an API key', (db) =>
      db.updateTable('api_keys').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
    );
  }

  /** Live (unrevoked) keys that name this user, team or org directly. */
  async countReferencing(kind: 'user' | 'team' | 'org', id: string): Promise<number> {
    try {
      const row = await this.#db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(REFERENCE_COLUMN[kind], '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    } catch (err) {
      throw toStorageError(err, `counting the keys of ${kind} '${id}'`);
    }
  }

  /** Revokes every live key that names this user, team or org directly; returns how many. */
  async revokeReferencing(kind: 'user' | 'team' | 'org', id: string): Promise<number> {
    const now = this.#now();
    try {
      const r = await this.#db
        .updateTable('api_keys')
        .set({ revoked_at: now, updated_at: now })
        .where(REFERENCE_COLUMN[kind], '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    } catch (err) {
      throw toStorageError(err, `revoking the keys of ${kind} '${id}'`);
    }
  }

  /** The database this repository reads, for repositories of related rows (users, teams, orgs). */
  get db(): Kysely<Database> {
    return this.#db;
  }

  /** Revokes a key; revoking again keeps the first revocation time. Undefined when no such key. */
  async revoke(id: string): Promise<ApiKey | undefined> {
    const now = this.#now();
    return this.#one('revoking an API key', (db) =>
      db
        .updateTable('api_keys')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)), updated_at: now }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
  }

  async #one(
    what: string,
    run: (db: Kysely<Database>) => Promise<Selectable<ApiKeysTable> | undefined>,
  ): Promise<ApiKey | undefined> {
    try {
      const row = await run(this.#db);
      return row === undefined ? undefined : toApiKey(row);
    } catch (err) {
      throw toStorageError(err, what);
    }
  }
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  const models = row.models === null ? null : parseJson(row.models);
  return {
    id: row.id,
    name: row.name,
    key_hash: row.key_hash,
    key_prefix: row.key_prefix,
    user_id: row.user_id,
    team_id: row.team_id,
    org_id: row.org_id,
    // Unreadable JSON must not widen a key to every model: it reads as "no models" (fail closed).
    models: row.models === null ? null : Array.isArray(models) ? models.filter((m): m is string => typeof m === 'string') : [],
    metadata: parseObject(row.metadata),
    budget_nanos: row.budget_nanos,
    budget_period: row.budget_period,
    budget_window: row.budget_window,
    limits: parseObject(row.limits),
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function checkMoney(nanos: bigint | null): bigint | null {
  if (nanos !== null && (typeof nanos !== 'bigint' || nanos < 0n || nanos >= 2n ** 63n)) {
    throw new RangeError(`budget_nanos must be a non-negative 64-bit bigint, got ${String(nanos)}`);
  }
  return nanos;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseObject(text: string): Readonly<Record<string, unknown>> {
  const v = parseJson(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
