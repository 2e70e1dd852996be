// Users, teams and orgs created through the admin API. An entity's id is its name (the one the
// config uses too), so `user:alice` names the same scope whichever side defined it. Deletion is a
// tombstone (`deleted_at`) that moves `updated_at`, so replicas polling with `updated_since` see
// it; creating the name again revives the row with the new fields.
import type { Kysely, Selectable, Updateable } from 'kysely';
import { isUniqueViolation, toStorageError } from './db-error-kind.js';
import type { Database, UsersTable } from './schema.js';
import { EntityConflictError } from './storage-errors.js';

export type EntityKind = 'user' | 'team' | 'org';

const TABLE = { user: 'users', team: 'teams', org: 'orgs' } as const satisfies Record<EntityKind, keyof Database>;

export interface Entity {
  readonly kind: EntityKind;
  readonly id: string;
  /** Users only (null elsewhere). */
  readonly team_id: string | null;
  /** Users and teams (null for orgs). */
  readonly org_id: string | null;
  readonly budget_nanos: bigint | null;
  readonly budget_period: string | null;
  readonly budget_window: string | null;
  readonly limits: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly created_at: number;
  readonly updated_at: number;
  readonly deleted_at: number | null;
}

export interface NewEntity {
  readonly id: string;
  readonly team_id?: string | null;
  readonly org_id?: string | null;
  readonly budget_nanos?: bigint | null;
  readonly budget_period?: string | null;
  readonly budget_window?: string | null;
  readonly limits?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type EntityPatch = Partial<Omit<NewEntity, 'id'>>;

export interface ListEntitiesOptions {
  readonly team_id?: string;
  readonly org_id?: string;
  /** Include tombstones (default: false, except with `updated_since`, where deletions are the point). */
  readonly include_deleted?: boolean;
  /** Only entities changed at or after this time (ms), oldest change first: for replicas catching up. */
  readonly updated_since?: number;
  /** Default 100, capped at 1,000. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Every entity table, seen through the columns users have (the widest); orgs and teams lack some. */
type AnyEntityDb = Kysely<Record<(typeof TABLE)[EntityKind], UsersTable>>;

export class EntityRepository {
  readonly #db: AnyEntityDb;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, options: { readonly now?: () => number } = {}) {
    // The three tables share every column this class touches, except team_id (users) and org_id
    // (users, teams), which are only written or filtered for the kinds that have them.
    this.#db = db as unknown as AnyEntityDb;
    this.#now = options.now ?? Date.now;
  }

  /** Creates the entity, or revives a deleted one of the same id; EntityConflictError if it exists. */
  async create(kind: EntityKind, e: NewEntity): Promise<Entity> {
    if (e.id === '') throw new RangeError('an entity id must not be empty');
    const now = this.#now();
    const values = { ...this.#columns(kind, e, true), created_at: now, updated_at: now, deleted_at: null };
    try {
      const row = await this.#db.insertInto(TABLE[kind]).values({ id: e.id, name: e.id, ...values }).returningAll().executeTakeFirstOrThrow();
      return toEntity(kind, row);
    } catch (err) {
      if (!isUniqueViolation(err)) throw toStorageError(err, `creating ${kind} '${e.id}'`);
    }
    // The id exists: revive it if it is a tombstone (one statement, so two revivals cannot both win).
    const revived = await this.#one(kind, `reviving ${kind} '${e.id}'`, (db) =>
      db.updateTable(TABLE[kind]).set(values).where('id', '=', e.id).where('deleted_at', 'is not', null).returningAll().executeTakeFirst(),
    );
    if (!revived) throw new EntityConflictError(kind, e.id);
    return revived;
  }

  async get(kind: EntityKind, id: string, options: { readonly include_deleted?: boolean } = {}): Promise<Entity | undefined> {
    return this.#one(kind, `reading ${kind} '${id}'`, (db) => {
      let q = db.selectFrom(TABLE[kind]).selectAll().where('id', '=', id);
      if (!options.include_deleted) q = q.where('deleted_at', 'is', null);
      return q.executeTakeFirst();
    });
  }

  async list(kind: EntityKind, options: ListEntitiesOptions = {}): Promise<Entity[]> {
    let q = this.#db.selectFrom(TABLE[kind]).selectAll();
    if (options.team_id !== undefined) q = q.where('team_id', '=', options.team_id);
    if (options.org_id !== undefined) q = q.where('org_id', '=', options.org_id);
    if (!(options.include_deleted ?? options.updated_since !== undefined)) q = q.where('deleted_at', 'is', null);
    q = options.updated_since !== undefined
      ? q.where('updated_at', '>=', options.updated_since).orderBy('updated_at', 'asc').orderBy('id', 'asc')
      : q.orderBy('id', 'asc');
    q = q.limit(Math.min(1_000, Math.max(1, Math.floor(options.limit ?? 100)))).offset(Math.max(0, Math.floor(options.offset ?? 0)));
    try {
      return (await q.execute()).map((r) => toEntity(kind, r));
    } catch (err) {
      throw toStorageError(err, `listing ${kind}s`);
    }
  }

  /** Applies the fields present in `patch` to a live entity; undefined when there is none. */
  async update(kind: EntityKind, id: string, patch: EntityPatch): Promise<Entity | undefined> {
    const set = { ...this.#columns(kind, patch, false), updated_at: this.#now() };
    return this.#one(kind, `updating ${kind} '${id}'`, (db) =>
      db.updateTable(TABLE[kind]).set(set).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst(),
    );
  }

  /** Tombstones a live entity; undefined when there is none. */
  async delete(kind: EntityKind, id: string): Promise<Entity | undefined> {
    const now = this.#now();
    return this.#one(kind, `deleting ${kind} '${id}'`, (db) =>
      db.updateTable(TABLE[kind]).set({ deleted_at: now, updated_at: now }).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst(),
    );
  }

  /** Live users and teams that name this team or org. */
  async members(kind: EntityKind, id: string): Promise<{ readonly users: number; readonly teams: number }> {
    if (kind === 'user') return { users: 0, teams: 0 };
    const count = async (table: 'users' | 'teams', column: 'team_id' | 'org_id'): Promise<number> => {
      const row = await this.#db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    try {
      if (kind === 'team') return { users: await count('users', 'team_id'), teams: 0 };
      return { users: await count('users', 'org_id'), teams: await count('teams', 'org_id') };
    } catch (err) {
      throw toStorageError(err, `counting the members of ${kind} '${id}'`);
    }
  }

  /** Clears every live member's reference to this team or org; returns how many changed. */
  async detachMembers(kind: EntityKind, id: string): Promise<number> {
    const now = this.#now();
    const targets: Array<['users' | 'teams', 'team_id' | 'org_id']> = kind === 'team' ? [['users', 'team_id']] : kind === 'org' ? [['users', 'org_id'], ['teams', 'org_id']] : [];
    let changed = 0;
    try {
      for (const [table, column] of targets) {
        const r = await this.#db.updateTable(table).set({ [column]: null, updated_at: now }).where(column, '=', id).where('deleted_at', 'is', null).executeTakeFirst();
        changed += Number(r.numUpdatedRows);
      }
    } catch (err) {
      throw toStorageError(err, `detaching the members of ${kind} '${id}'`);
    }
    return changed;
  }

  /** The columns a create (all, with defaults) or a patch (only those given) writes for this kind. */
  #columns(kind: EntityKind, e: EntityPatch, all: boolean): Updateable<UsersTable> {
    const out: Updateable<UsersTable> = {};
    const put = <K extends keyof UsersTable>(k: K, v: Updateable<UsersTable>[K] | undefined, dflt: Updateable<UsersTable>[K]) => {
      if (v !== undefined) out[k] = v;
      else if (all) out[k] = dflt;
    };
    if (kind === 'user') put('team_id', e.team_id, null);
    else if (e.team_id != null) throw new RangeError(`a ${kind} has no team`);
    if (kind !== 'org') put('org_id', e.org_id, null);
    else if (e.org_id != null) throw new RangeError('an org has no org');
    put('budget_nanos', e.budget_nanos === undefined ? undefined : checkMoney(e.budget_nanos), null);
    put('budget_period', e.budget_period, null);
    put('budget_window', e.budget_window, null);
    put('limits', e.limits === undefined ? undefined : JSON.stringify(e.limits), '{}');
    put('metadata', e.metadata === undefined ? undefined : JSON.stringify(e.metadata), '{}');
    return out;
  }

  async #one(kind: EntityKind, what: string, run: (db: AnyEntityDb) => Promise<Selectable<UsersTable> | undefined>): Promise<Entity | undefined> {
    try {
      const row = await run(this.#db);
      return row === undefined ? undefined : toEntity(kind, row);
    } catch (err) {
      throw toStorageError(err, what);
    }
  }
}

function toEntity(kind: EntityKind, row: Selectable<UsersTable>): Entity {
  return {
    kind,
    id: row.id,
    team_id: kind === 'user' ? row.team_id : null,
    org_id: kind === 'org' ? null : row.org_id,
    budget_nanos: row.budget_nanos,
    budget_period: row.budget_period,
    budget_window: row.budget_window,
    limits: parseObject(row.limits),
    metadata: parseObject(row.metadata),
    created_at: row.created_at,
    updated_at: row.updated_at,
    deleted_at: row.deleted_at,
  };
}

function checkMoney(nanos: bigint | null): bigint | null {
  if (nanos !== null && (typeof nanos !== 'bigint' || nanos < 0n || nanos >= 2n ** 63n)) {
    throw new RangeError(`budget_nanos must be a non-negative 64-bit bigint, got ${String(nanos)}`);
  }
  return nanos;
}

function parseObject(text: string): Readonly<Record<string, unknown>> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
