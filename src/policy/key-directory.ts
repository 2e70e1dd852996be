// Every virtual key the gateway accepts: keys from the config (compiled, hashed) and keys created
// through the admin API (in the database), together with the users, teams and orgs created there.
// Database rows are cached in memory; each replica polls for changes every `pollMs` (default
// 500 ms), so a revocation, an expiry change or a new limit on a user, team or org made on any
// replica takes effect everywhere within about half a second (M7). A key not yet in the cache is
// looked up directly, so a key created on another replica works at once.
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidApiKeyError, KeyExpiredError } from '../core/errors.js';
import type { ScopeLimits } from '../core/limits.js';
import type { Principal } from '../core/principal.js';
import type { RuntimeConfig } from '../config/runtime.js';
import { EntityRepository, type EntityKind } from '../storage/entity-repository.js';
import type { ApiKey, KeyRepository } from '../storage/key-repository.js';
import { hashKey, presentedKey } from './authenticate.js';
import { EntityDirectory } from './entity-directory.js';
import type { GovernedPrincipal } from './governed-principal.js';
import { resolveChain, type ScopeRefs } from './scope-chain.js';
import { limitsFromColumns } from './stored-limits.js';
import { tagsFromMetadata } from './request-tags.js';

interface Entry {
  readonly row: ApiKey | null;
  /** Built from the row, the config and the entities; rebuilt when any of them changed. */
  principal: GovernedPrincipal | null;
  stamp: string;
  /** For negative entries: when to ask the database again. */
  readonly recheckAt: number;
}

const NEGATIVE_TTL_MS = 1_000;

export class KeyDirectory {
  readonly #repo: KeyRepository;
  readonly #entities: EntityDirectory;
  readonly #byHash = new Map<string, Entry>();
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  #onError: (err: unknown) => void;

  constructor(repo: KeyRepository, onError: (err: unknown) => void = () => undefined, entities = new EntityRepository(repo.db)) {
    this.#repo = repo;
    this.#entities = new EntityDirectory(entities);
    this.#onError = onError;
  }

  /** Loads every key and entity and starts polling for changes. */
  async start(pollMs = 500): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(this.#onError), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Applies every key and entity changed since the last refresh (created, updated, revoked, deleted). */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    await this.#entities.refresh();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.#repo.list({ updated_since: this.#since, include_revoked: true, limit: 1000, offset });
      for (const k of page) this.#store(k);
      if (page.length < 1000) break;
    }
    // Overlap by a second: a row written while we read is fetched again next time (idempotent).
    this.#since = startedAt - 1_000;
  }

  async authenticate(cfg: RuntimeConfig, h: IncomingHttpHeaders, now: number): Promise<GovernedPrincipal> {
    const key = presentedKey(h);
    if (key === undefined) throw new InvalidApiKeyError('Missing API key. Send a Tollgate virtual key as "Authorization: Bearer <key>".');
    const hash = hashKey(key);
    let p: GovernedPrincipal | null | undefined = cfg.keysByHash.get(hash);
    if (!p) {
      let e = this.#byHash.get(hash);
      if (!e || (e.row === null && now >= e.recheckAt)) {
        const row = await this.#repo.getByHash(hash);
        e = row ? this.#store(row) : { row: null, principal: null, stamp: '', recheckAt: now + NEGATIVE_TTL_MS };
        if (!row) this.#byHash.set(hash, e);
      }
      if (e.row?.revoked_at != null) throw new InvalidApiKeyError('This API key has been revoked.');
      p = e.row ? await this.#principal(e, e.row, cfg, now) : null;
    }
    if (!p) throw new InvalidApiKeyError();
    if (p.expiresAt !== undefined && now >= p.expiresAt) throw new KeyExpiredError(new Date(p.expiresAt).toISOString());
    return p;
  }

  async #principal(e: Entry, row: ApiKey, cfg: RuntimeConfig, now: number): Promise<GovernedPrincipal> {
    if (e.principal === null || e.stamp !== this.#stamp(cfg)) {
      // Entities the chain names but this replica has not seen yet are fetched first, one link
      // (user → team → org) per round.
      for (let round = 0; round < 3; round++) {
        const missing: Array<[EntityKind, string]> = [];
        resolveChain(cfg, (kind, id) => this.#entities.get(kind, id) ?? void missing.push([kind, id]), refsOf(row));
        if (missing.length === 0) break;
        for (const [kind, id] of missing) await this.#entities.ensure(kind, id, now);
      }
      e.principal = toPrincipal(row, cfg, this.#entities);
      e.stamp = this.#stamp(cfg);
    }
    return e.principal;
  }

  #stamp(cfg: RuntimeConfig): string {
    return `${cfg.generation}:${this.#entities.version}`;
  }

  #store(k: ApiKey): Entry {
    const e: Entry = { row: k, principal: null, stamp: '', recheckAt: 0 };
    this.#byHash.set(k.key_hash, e);
    return e;
  }
}

/** A stored key's own limits. */
export function keyLimitsOf(k: ApiKey): ScopeLimits | undefined {
  return limitsFromColumns(k);
}

function refsOf(k: ApiKey): ScopeRefs {
  return { user: k.user_id, team: k.team_id, org: k.org_id };
}

function toPrincipal(k: ApiKey, cfg: RuntimeConfig, entities: EntityDirectory): GovernedPrincipal {
  const chain = resolveChain(cfg, (kind, id) => entities.get(kind, id), refsOf(k));
  const tags = tagsFromMetadata(k.metadata);
  const p: Principal = {
    keyId: k.id,
    keyName: k.name,
    userId: chain.user,
    teamId: chain.team,
    orgId: chain.org,
    models: k.models ? new Set(k.models) : undefined,
    expiresAt: k.expires_at ?? undefined,
    keyLimits: keyLimitsOf(k),
  };
  return { ...p, ...(chain.limits.size > 0 ? { entityLimits: chain.limits } : {}), ...(tags.length > 0 ? { keyTags: tags } : {}) };
}
