// Users, teams and orgs created through the admin API, cached in memory. Like keys, each replica
// polls for changes every 500 ms (deletions are tombstones, so they are changes too): a limit set
// or changed on one replica applies on every replica within a second.
import type { ScopeLimits } from '../core/limits.js';
import type { Entity, EntityKind, EntityRepository } from '../storage/entity-repository.js';
import { limitsFromColumns } from './stored-limits.js';

export interface DirectoryEntity {
  readonly kind: EntityKind;
  readonly id: string;
  readonly team: string | undefined;
  readonly org: string | undefined;
  readonly limits: ScopeLimits | undefined;
}

const KINDS: readonly EntityKind[] = ['org', 'team', 'user'];
const ABSENT_TTL_MS = 1_000;

export class EntityDirectory {
  readonly #repo: EntityRepository;
  readonly #byScope = new Map<string, DirectoryEntity>();
  /** Names looked up directly and not found: not asked again before the time given. */
  readonly #absent = new Map<string, number>();
  #since = 0;
  #version = 0;

  constructor(repo: EntityRepository) {
    this.#repo = repo;
  }

  /** Moves on whenever an entity changed, so principals built from the old state are rebuilt. */
  get version(): number {
    return this.#version;
  }

  get(kind: EntityKind, id: string): DirectoryEntity | undefined {
    return this.#byScope.get(`${kind}:${id}`);
  }

  /**
   * Makes sure a named entity is cached, asking the database if it is not (and was not found in
   * the last second): a key created right after its user, on any replica, gets the user's limits
   * at once instead of at the next poll.
   */
  async ensure(kind: EntityKind, id: string, now: number): Promise<void> {
    const scope = `${kind}:${id}`;
    if (this.#byScope.has(scope) || (this.#absent.get(scope) ?? 0) > now) return;
    const e = await this.#repo.get(kind, id);
    if (e) {
      if (this.#apply(e)) this.#version++;
      this.#absent.delete(scope);
    } else {
      this.#absent.set(scope, now + ABSENT_TTL_MS);
    }
  }

  /** Applies every entity changed since the last refresh (created, updated, deleted). */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    let changed = false;
    for (const kind of KINDS) {
      for (let offset = 0; ; offset += 1000) {
        const page = await this.#repo.list(kind, { updated_since: this.#since, limit: 1000, offset });
        for (const e of page) {
          changed = this.#apply(e) || changed;
          this.#absent.delete(`${e.kind}:${e.id}`);
        }
        if (page.length < 1000) break;
      }
    }
    if (changed) this.#version++;
    // Overlap by a second: a row written while we read is fetched again next time (idempotent).
    this.#since = startedAt - 1_000;
  }

  /** Returns whether the cache changed (the overlap re-reads rows that did not). */
  #apply(e: Entity): boolean {
    const scope = `${e.kind}:${e.id}`;
    const prior = this.#byScope.get(scope);
    if (e.deleted_at !== null) return this.#byScope.delete(scope);
    const next = toDirectoryEntity(e);
    if (prior && sameEntity(prior, next)) return false;
    this.#byScope.set(scope, next);
    return true;
  }
}

export function toDirectoryEntity(e: Entity): DirectoryEntity {
  return { kind: e.kind, id: e.id, team: e.team_id ?? undefined, org: e.org_id ?? undefined, limits: limitsFromColumns(e) };
}

function sameEntity(a: DirectoryEntity, b: DirectoryEntity): boolean {
  const la = a.limits;
  const lb = b.limits;
  const sameLimits =
    la === lb ||
    (la !== undefined && lb !== undefined && la.budgetNanos === lb.budgetNanos && la.period === lb.period && la.window === lb.window && la.rpm === lb.rpm && la.tpm === lb.tpm && la.maxParallel === lb.maxParallel);
  return a.team === b.team && a.org === b.org && sameLimits;
}
