// CounterStore on Redis (or Redis Cluster): every operation is one Lua script, so each is atomic
// against every replica sharing the server. Every call is bounded by the command timeout; any
// failure to get an answer (refused connection, timeout, dropped socket, LOADING, CLUSTERDOWN…)
// becomes StateUnavailableError. A reserve that timed out may still have run on the server: the
// caller can release `reservationIdFor(org, requestId)`, or the lease expires on its own.

import { StateUnavailableError } from '../../core/errors.js';
import {
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_RECORD_RETENTION_MS,
  SETTLED_RECORD_RETENTION_MS,
  ReservationConflictError,
  type ActualUsage,
  type BreakerAdmission,
  type BreakerOutcome,
  type BreakerPolicy,
  type BreakerSnapshot,
  type CounterStore,
  type ReserveRequest,
  type ReserveResult,
  type RollingWindow,
  type ScopeUsage,
  type SettleResult,
} from '../counter-store.js';
import {
  checkActual,
  checkNow,
  checkReserveRequest,
  checkWindow,
  escapePart,
  parseReservationId,
  resolveBreakerPolicy,
} from '../reserve-request.js';
import { admitScript, outcomeScript, stateScript } from './breaker-scripts.js';
import { checkEvictionPolicy, REQUIRED_POLICY, type EvictionCheck, type StateMisconfiguredError } from './eviction-policy.js';
import { breakerKey, checkKeyPrefix, DEFAULT_KEY_PREFIX, leasesKey, orgPrefix, recordKey } from './key-layout.js';
import type { LuaScript, RedisClient } from './lua-script.js';
import { reserveScript, settleScript, usageScript } from './reservation-scripts.js';
import { limitKind, list, num, snapshot, stateName, str } from './script-replies.js';

export interface RedisCounterStoreOptions {
  readonly leaseTtlMs?: number;
  readonly recordRetentionMs?: number;
  /** Per Redis command; past it the call fails with StateUnavailableError (default 250 ms). */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly keyPrefix?: string;
  /** Treat the URL as one seed node of a Redis Cluster. */
  readonly cluster?: boolean;
  /**
   * Told when the eviction policy cannot be read (CONFIG disabled): the store runs, unverified.
   * Default: a process warning (TOLLGATE_REDIS_EVICTION_UNCHECKED).
   */
  readonly onWarning?: (message: string) => void;
}

export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  readonly shared = true;
  private readonly keyPrefix: string;
  private readonly leaseTtlMs: number;
  private readonly retentionMs: number;
  private lastError: Error | null = null;
  /** Set while the server would evict our keys: every operation fails as unavailable. */
  private misconfigured: StateMisconfiguredError | null = null;
  private readonly onWarning: (message: string) => void;

  /** Takes ownership of `client` (close() quits it). Prefer openRedisCounterStore(). */
  constructor(
    private readonly client: RedisClient,
    opts: RedisCounterStoreOptions = {},
  ) {
    this.keyPrefix = checkKeyPrefix(opts.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.leaseTtlMs = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.retentionMs = opts.recordRetentionMs ?? DEFAULT_RECORD_RETENTION_MS;
    this.onWarning = opts.onWarning ?? ((m) => process.emitWarning(m, { code: 'TOLLGATE_REDIS_EVICTION_UNCHECKED' }));
    // Without a listener ioredis reports errors on stderr; we surface them per call instead.
    client.on('error', (err: Error) => {
      this.lastError = err;
    });
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    checkReserveRequest(req);
    const P = orgPrefix(this.keyPrefix, escapePart(req.org));
    const requestPart = escapePart(req.requestId);
    const args = [
      P,
      requestPart,
      req.now === undefined ? '' : String(req.now),
      String(req.leaseTtlMs ?? this.leaseTtlMs),
      String(this.retentionMs),
      req.costNanos.toString(),
      String(req.tokens),
      String(req.scopes.length),
    ];
    for (const s of req.scopes) {
      args.push(
        escapePart(s.scope),
        escapePart(s.periodId),
        s.budgetNanos === undefined ? '' : s.budgetNanos.toString(),
        s.rpm === undefined ? '' : String(s.rpm),
        s.tpm === undefined ? '' : String(s.tpm),
        s.maxParallel === undefined ? '' : String(s.maxParallel),
        s.window === undefined ? '' : String(s.window.bucketMs),
        s.window === undefined ? '' : String(s.window.buckets),
        s.retainUntil === undefined ? '' : String(s.retainUntil),
      );
    }
    const reply = list(await this.run(reserveScript, [leasesKey(P), recordKey(P, requestPart)], args));
    const id = `${escapePart(req.org)}/${requestPart}`;
    const tag = num(reply[0]);
    if (tag === 1) return { ok: true, reservationId: id, expiresAt: num(reply[1]) };
    if (tag === 2) throw new ReservationConflictError(id, str(reply[1]));
    const scope = req.scopes[num(reply[1]) - 1]!.scope;
    const limit = limitKind(reply[2]);
    const retry = num(reply[5]);
    const retryAfterMs = retry < 0 ? null : retry;
    if (limit === 'budget') {
      return {
        ok: false, scope, limit, limitValue: BigInt(str(reply[3])), current: BigInt(str(reply[4])),
        requested: req.costNanos, retryAfterMs,
      };
    }
    const requested = limit === 'tpm' ? req.tokens : 1;
    return { ok: false, scope, limit, limitValue: Number(str(reply[3])), current: Number(str(reply[4])), requested, retryAfterMs };
  }

  async settle(reservationId: string, actual: ActualUsage): Promise<SettleResult> {
    checkActual(actual);
    const { orgPart, requestPart } = parseReservationId(reservationId);
    const P = orgPrefix(this.keyPrefix, orgPart);
    const reply = list(
      await this.run(settleScript, [leasesKey(P), recordKey(P, requestPart)], [
        // A settled record only answers duplicate settles: kept briefly, not for the whole retention.
        P, requestPart, String(Math.min(this.retentionMs, SETTLED_RECORD_RETENTION_MS)), actual.costNanos.toString(), String(actual.tokens),
        actual.scopes === undefined ? '*' : String(actual.scopes.length), ...(actual.scopes ?? []).map(escapePart),
        ...scopeCostArgs(actual.scopeCosts),
      ]),
    );
    if (num(reply[0]) === 1) return { applied: true, afterExpiry: num(reply[1]) === 1 };
    const reason = str(reply[1]);
    return { applied: false, reason: reason === 'already_settled' ? 'already_settled' : 'unknown' };
  }

  async release(reservationId: string): Promise<SettleResult> {
    return this.settle(reservationId, { costNanos: 0n, tokens: 0 });
  }

  async getUsage(org: string, scope: string, periodId: string, now?: number, window?: RollingWindow): Promise<ScopeUsage> {
    checkNow(now);
    if (window) checkWindow(window);
    const P = orgPrefix(this.keyPrefix, escapePart(org));
    const r = list(
      await this.run(usageScript, [leasesKey(P)], [
        P, now === undefined ? '' : String(now), String(this.retentionMs), escapePart(scope), escapePart(periodId),
        window ? String(window.bucketMs) : '', window ? String(window.buckets) : '',
      ]),
    );
    return {
      spentNanos: BigInt(str(r[0])),
      reservedNanos: BigInt(str(r[1])),
      requests: Number(str(r[2])),
      inFlight: Number(str(r[3])),
      requestsLastMinute: Number(str(r[4])),
      tokensLastMinute: Number(str(r[5])),
    };
  }

  async recordOutcome(o: BreakerOutcome): Promise<BreakerSnapshot> {
    checkNow(o.now);
    const p = resolveBreakerPolicy(o.policy);
    const cooldown = Math.max(p.cooldownMs, o.cooldownMs ?? 0);
    const reply = list(
      await this.run(outcomeScript, [breakerKey(this.keyPrefix, o.deployment)], [
        o.now === undefined ? '' : String(o.now),
        o.ok ? '1' : '0',
        String(p.failureThreshold),
        String(cooldown),
        p.rate === null ? '' : String(p.rate.permille),
        p.rate === null ? '' : String(p.rate.minRequests),
        p.rate === null ? '' : String(p.rate.windowMs),
      ]),
    );
    return snapshot(reply);
  }

  async breakerState(deployment: string, now?: number): Promise<BreakerSnapshot> {
    checkNow(now);
    const reply = list(
      await this.run(stateScript, [breakerKey(this.keyPrefix, deployment)], [now === undefined ? '' : String(now)]),
    );
    return snapshot(reply);
  }

  async breakerAdmit(deployment: string, policy: BreakerPolicy, now?: number): Promise<BreakerAdmission> {
    checkNow(now);
    const p = resolveBreakerPolicy(policy);
    const r = list(
      await this.run(admitScript, [breakerKey(this.keyPrefix, deployment)], [
        now === undefined ? '' : String(now), String(p.halfOpenProbes), String(p.probeTimeoutMs),
      ]),
    );
    const retry = num(r[3]);
    return { allowed: num(r[0]) === 1, state: stateName(r[1]), probe: num(r[2]) === 1, retryAfterMs: retry < 0 ? null : retry };
  }

  /**
   * Reads the server's maxmemory-policy (eviction-policy.ts). A policy that may evict makes every
   * operation fail until a later check (at the next reconnection) finds it fixed.
   */
  async verifyEvictionPolicy(): Promise<EvictionCheck> {
    const r = await checkEvictionPolicy(this.client);
    this.misconfigured = r.ok === false ? r.error : null;
    if (r.ok === 'unknown') this.onWarning(`Cannot read Redis maxmemory-policy (${r.reason}); make sure it is ${REQUIRED_POLICY}, or budget counters may be evicted`);
    return r;
  }

  /** Checks the policy again on every (re)connection: a failover may reach another server. */
  watchEvictionPolicy(): void {
    this.client.on('ready', () => {
      this.verifyEvictionPolicy().catch((err: unknown) => this.onWarning(`Could not check Redis maxmemory-policy: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  async ping(): Promise<void> {
    if (this.misconfigured) throw new StateUnavailableError(this.misconfigured.message, this.misconfigured);
    try {
      await this.client.ping();
    } catch (err) {
      throw this.unavailable('ping', err);
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      // Already gone (or never connected): nothing left to flush.
      this.client.disconnect();
    }
  }

  private async run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    if (this.misconfigured) throw new StateUnavailableError(this.misconfigured.message, this.misconfigured);
    try {
      return await script.run(this.client, keys, args);
    } catch (err) {
      // Our scripts refuse impossible input (e.g. spend past 2^63) before writing anything:
      // that is the caller's bug, reported as the memory store does, not an outage.
      if (err instanceof Error && err.message.includes('tollgate: ')) throw new RangeError(err.message);
      throw this.unavailable(script.name, err);
    }
  }

  private unavailable(op: string, err: unknown): StateUnavailableError {
    const why = err instanceof Error ? err.message : String(err);
    const last = this.lastError && this.lastError.message !== why ? ` (last connection error: ${this.lastError.message})` : '';
    return new StateUnavailableError(`Redis counter store unavailable during ${op}: ${why}${last}`, err);
  }
}

/** k, then k (escaped scope, cost) pairs; costs are decimal strings (Lua never turns them into doubles). */
function scopeCostArgs(costs: ActualUsage['scopeCosts']): string[] {
  const entries = Object.entries(costs ?? {});
  return [String(entries.length), ...entries.flatMap(([scope, cost]) => [escapePart(scope), cost.toString()])];
}
