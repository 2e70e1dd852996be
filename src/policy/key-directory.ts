// Every virtual key the gateway accepts: keys from the config (compiled, hashed) and keys created
// through the admin API (in the database). Database keys are cached in memory; each replica polls
// for changes every `pollMs` (default 500 ms), so a revocation or expiry change made on any
// replica takes effect everywhere within about half a second (M7). A key not yet in the cache is
// looked up directly, so a key created on another replica works at once.
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidApiKeyError, KeyExpiredError } from '../core/errors.js';
import type { BudgetPeriod, ScopeLimits } from '../core/limits.js';
import type { Principal } from '../core/principal.js';
import type { RuntimeConfig } from '../config/runtime.js';
import type { ApiKey, KeyRepository } from '../storage/key-repository.js';
import { hashKey, presentedKey } from './authenticate.js';

interface Entry {
  readonly principal: Principal | null;
  readonly revoked: boolean;
  /** For negative entries: when to ask the database again. */
  readonly recheckAt: number;
}

const NEGATIVE_TTL_MS = 1_000;

export class KeyDirectory {
  readonly #repo: KeyRepository;
  readonly #byHash = new Map<string, Entry>();
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  #onError: (err: unknown) => void;

  constructor(repo: KeyRepository, onError: (err: unknown) => void = () => undefined) {
    this.#repo = repo;
    this.#onError = onError;
  }

  /** Loads every key and starts polling for changes. */
  async start(pollMs = 500): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(this.#onError), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Applies every key changed since the last refresh (created, updated, revoked). */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.#repo.list({ updated_since: this.#since, include_revoked: true, limit: 1000, offset });
      for (const k of page) this.#store(k);
      if (page.length < 1000) break;
    }
    // Overlap by a second: a row written while we read is fetched again next time (idempotent).
    this.#since = startedAt - 1_000;
  }

  async authenticate(cfg: RuntimeConfig, h: IncomingHttpHeaders, now: number): Promise<Principal> {
    const key = presentedKey(h);
    if (key === undefined) throw new InvalidApiKeyError('Missing API key. Send a Tollgate virtual key as "Authorization: Bearer <key>".');
    const hash = hashKey(key);
    let p: Principal | null | undefined = cfg.keysByHash.get(hash);
    if (!p) {
      let e = this.#byHash.get(hash);
      if (!e || (e.principal === null && !e.revoked && now >= e.recheckAt)) {
        const row = await this.#repo.getByHash(hash);
        e = row ? this.#store(row) : { principal: null, revoked: false, recheckAt: now + NEGATIVE_TTL_MS };
        if (!row) this.#byHash.set(hash, e);
      }
      if (e.revoked) throw new InvalidApiKeyError('This API key has been revoked.');
      p = e.principal;
    }
    if (!p) throw new InvalidApiKeyError();
    if (p.expiresAt !== undefined && now >= p.expiresAt) throw new KeyExpiredError(new Date(p.expiresAt).toISOString());
    return p;
  }

  #store(k: ApiKey): Entry {
    const e: Entry = { principal: k.revoked_at === null ? toPrincipal(k) : null, revoked: k.revoked_at !== null, recheckAt: 0 };
    this.#byHash.set(k.key_hash, e);
    return e;
  }
}

export function keyLimitsOf(k: Pick<ApiKey, 'budget_nanos' | 'budget_period' | 'limits'>): ScopeLimits | undefined {
  const l = k.limits as { rpm?: number; tpm?: number; max_parallel?: number };
  if (k.budget_nanos === null && l.rpm === undefined && l.tpm === undefined && l.max_parallel === undefined) return undefined;
  return {
    budgetNanos: k.budget_nanos ?? undefined,
    period: (k.budget_period ?? 'none') as BudgetPeriod,
    rpm: l.rpm,
    tpm: l.tpm,
    maxParallel: l.max_parallel,
  };
}

function toPrincipal(k: ApiKey): Principal {
  return {
    keyId: k.id,
    keyName: k.name,
    userId: k.user_id ?? undefined,
    teamId: k.team_id ?? undefined,
    orgId: k.org_id ?? undefined,
    models: k.models ? new Set(k.models) : undefined,
    expiresAt: k.expires_at ?? undefined,
    keyLimits: keyLimitsOf(k),
  };
}
