// The CounterStore contract: the atomic state behind admission (budgets, RPM, TPM, concurrency),
// settlement, and circuit breakers. Two implementations: memory/ (one process) and redis/ (Lua,
// shared by every replica). Both pass the same conformance suite (counter-store.conformance.ts).
//
// The promise (ARCHITECTURE.md decision 1, FAILURE-MODES M2–M5, M9, R2): one reserve call checks
// every scope of a request and either reserves on all of them or on none; settle turns the
// reservation into actual spend exactly once; a reservation is a lease that expires instead of
// leaking when a replica dies. When the backing store cannot be reached, every operation throws
// StateUnavailableError (code `state_unavailable`) promptly; the pipeline chooses fail-closed or
// fail-open.

import { GatewayError } from '../core/errors.js';
import type { Nanos } from '../core/money.js';

/** RPM and TPM are "in the last 60 s": sliding windows of exactly this length. */
export const RATE_WINDOW_MS = 60_000;

/**
 * A TPM refusal's retryAfterMs is found by walking the oldest log entries; the walk stops after
 * this many, and the hint is then a lower bound (the client is told again when it retries).
 */
export const RETRY_SCAN_LIMIT = 1000;

/** Default lease: longer than any sane request, so only a dead replica's reservations expire. */
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;

/**
 * How long a settled or expired reservation is remembered: settle/release are idempotent, and a
 * settle arriving after its lease expired still records the spend, within this window.
 */
export const DEFAULT_RECORD_RETENTION_MS = 24 * 60 * 60_000;

/**
 * How long a SETTLED reservation record is kept (at most the record retention): only to answer
 * "already settled" to a duplicate settle, which comes within seconds. Kept for the full retention,
 * settled records would be one per request for a day — tens of GB of Redis at 1,000 req/s, and a
 * noeviction Redis that fills up fails every admission. Forgetting one is harmless: an unknown id
 * changes nothing. Expired, unsettled records keep the full retention, so a late settle still bills.
 */
export const SETTLED_RECORD_RETENTION_MS = 15_000;

export type LimitKind = 'budget' | 'rpm' | 'tpm' | 'concurrency';

/** One scope a request is counted against, with the limits that apply to it for this request. */
export interface ScopeRequest {
  /** `key:k1`, `user:u1`, `team:t1`, `org:o1`, `end_user:x`, `model:gpt-4o` — unique per request. */
  readonly scope: string;
  /**
   * Budget period window id computed by the caller (`none`, `2026-11`, `d:2026-11-22`…). Spend is
   * always tracked per (scope, period), whether or not a budget applies; settlement bills the
   * period of admission, even if the period rolled over while the request ran.
   */
  readonly periodId: string;
  /** Budget for the period in nano-dollars; absent = spend tracked, not limited. */
  readonly budgetNanos?: Nanos;
  /** Requests admitted in the last 60 s, this one included, may not exceed this. */
  readonly rpm?: number;
  /** Tokens (input + output) admitted in the last 60 s, this request's estimate included. */
  readonly tpm?: number;
  /** Requests in flight on this scope, this one included, may not exceed this. */
  readonly maxParallel?: number;
  /**
   * A rolling budget: spend is kept in time buckets (in the store's clock) and the budget counts
   * the current bucket and the ones before it; `periodId` then names the series, not a period.
   */
  readonly window?: RollingWindow;
  /**
   * When the period's counters may be forgotten (ms, epoch, wall clock): past periods are never
   * read again, and without this a counter per (scope, period) would pile up — one per end user
   * per day. Choose it well after the period and any lease in it end. Absent: kept (lifetime
   * budgets). Rolling buckets expire on their own.
   */
  readonly retainUntil?: number;
}

/**
 * Buckets of `bucketMs` (aligned to the epoch); a rolling budget counts the `buckets` most recent,
 * the current one included, so spend counts for between (buckets − 1) × bucketMs and
 * buckets × bucketMs after it was admitted.
 */
export interface RollingWindow {
  readonly bucketMs: number;
  readonly buckets: number;
}

/** Upper bound on `RollingWindow.buckets`: each reserve reads this many cells per rolling scope. */
export const MAX_WINDOW_BUCKETS = 200;

export interface ReserveRequest {
  /** The organisation every scope belongs to; in Redis, all its keys share the tag `{org:<id>}`. */
  readonly org: string;
  /** Unique per request; the reservation id is derived from (org, requestId). */
  readonly requestId: string;
  /** Worst-case cost reserved against every scope's budget. */
  readonly costNanos: Nanos;
  /** Estimated tokens (prompt estimate + max output) reserved against every TPM window. */
  readonly tokens: number;
  readonly scopes: readonly ScopeRequest[];
  /** Lease length; defaults to the store's `leaseTtlMs`. */
  readonly leaseTtlMs?: number;
  /**
   * Milliseconds since the epoch. Omit in production: the store then uses one clock for every
   * replica (Redis server TIME; Date.now() in memory). Tests pass it to step time exactly.
   */
  readonly now?: number;
}

export interface ReserveAdmitted {
  readonly ok: true;
  readonly reservationId: string;
  /** When the lease lapses (same clock as `now`). */
  readonly expiresAt: number;
}

interface RefusalBase {
  readonly ok: false;
  readonly scope: string;
  /** Milliseconds until retrying could succeed (rpm, tpm); null when waiting alone will not help. */
  readonly retryAfterMs: number | null;
}

export interface BudgetRefusal extends RefusalBase {
  readonly limit: 'budget';
  readonly limitValue: Nanos;
  /** spent + reserved in the period before this request. */
  readonly current: Nanos;
  readonly requested: Nanos;
}

export interface CountRefusal extends RefusalBase {
  readonly limit: 'rpm' | 'tpm' | 'concurrency';
  readonly limitValue: number;
  /** Requests (rpm) or tokens (tpm) in the last 60 s, or requests in flight (concurrency). */
  readonly current: number;
  readonly requested: number;
}

export type ReserveRefused = BudgetRefusal | CountRefusal;
export type ReserveResult = ReserveAdmitted | ReserveRefused;

/** What the provider reported (and billed) for the request. */
export interface ActualUsage {
  readonly costNanos: Nanos;
  /** Input + output tokens. */
  readonly tokens: number;
  /**
   * The scopes of the reservation this usage is billed to (default: all). The others give back
   * their reservation and count zero tokens — e.g. the fallback groups and providers a request
   * was admitted against but not served by. Names not in the reservation are ignored.
   */
  readonly scopes?: readonly string[];
  /**
   * What a billed scope is charged instead of `costNanos`: a request whose attempts ran on several
   * deployments bills each fallback group or provider only for its own attempts, while the key,
   * user, team and org pay for all of them. Names not billed are ignored.
   */
  readonly scopeCosts?: Readonly<Record<string, Nanos>>;
}

export type SettleResult =
  /** `afterExpiry`: the lease had been reaped; spend was still recorded, nothing else changed. */
  | { readonly applied: true; readonly afterExpiry: boolean }
  /** `unknown`: never reserved, or older than the record retention. Nothing changed. */
  | { readonly applied: false; readonly reason: 'already_settled' | 'unknown' };

export interface ScopeUsage {
  readonly spentNanos: Nanos;
  readonly reservedNanos: Nanos;
  /** Requests admitted in the period. */
  readonly requests: number;
  readonly inFlight: number;
  /** Only tracked while the scope carries an rpm / tpm limit; 0 otherwise. */
  readonly requestsLastMinute: number;
  readonly tokensLastMinute: number;
}

// ---- circuit breakers (issue 4) ----

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long an opened breaker stays open. */
  readonly cooldownMs: number;
  /** Optional: also open when failures / outcomes in a fixed window reach `ratio`. */
  readonly failureRate?: {
    /** 0 < ratio ≤ 1; compared exactly in per-mille. */
    readonly ratio: number;
    readonly minRequests: number;
    readonly windowMs: number;
  };
  /** Probes let through at once when half-open (default 1). */
  readonly halfOpenProbes?: number;
  /** A probe that never reports frees its slot after this long (default 30 s). */
  readonly probeTimeoutMs?: number;
}

export type BreakerStateName = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  readonly state: BreakerStateName;
  /** Deadline of the current or last cooldown; null if the breaker never opened. Never decreases. */
  readonly openUntil: number | null;
  readonly consecutiveFailures: number;
}

export interface BreakerOutcome {
  readonly deployment: string;
  readonly ok: boolean;
  readonly policy: BreakerPolicy;
  /** A longer cooldown for this failure (e.g. the provider's Retry-After); never shortens one. */
  readonly cooldownMs?: number;
  readonly now?: number;
}

export interface BreakerAdmission {
  readonly allowed: boolean;
  readonly state: BreakerStateName;
  /** True when this call is one of the half-open probes. */
  readonly probe: boolean;
  /** When refused: milliseconds until the breaker could let a call through. */
  readonly retryAfterMs: number | null;
}

export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  /** True when every process using the same URL sees the same counters (redis). */
  readonly shared: boolean;

  /** Check and reserve on every scope at once: all reserved, or nothing changed. */
  reserve(req: ReserveRequest): Promise<ReserveResult>;
  /** Replace the reservation with actual usage. Idempotent: a second call changes nothing. */
  settle(reservationId: string, actual: ActualUsage): Promise<SettleResult>;
  /** Settle at zero cost and zero tokens; the request still counts toward RPM. Idempotent. */
  release(reservationId: string): Promise<SettleResult>;
  /** For a rolling scope pass its window: spent and requests are then summed over its buckets. */
  getUsage(org: string, scope: string, periodId: string, now?: number, window?: RollingWindow): Promise<ScopeUsage>;

  /** Record a call's outcome; transitions are atomic and the cooldown deadline only grows. */
  recordOutcome(outcome: BreakerOutcome): Promise<BreakerSnapshot>;
  breakerState(deployment: string, now?: number): Promise<BreakerSnapshot>;
  /** Ask to send one call: closed → yes; open → no; half-open → yes for at most N probes. */
  breakerAdmit(deployment: string, policy: BreakerPolicy, now?: number): Promise<BreakerAdmission>;

  /** Resolves when the store can serve; throws StateUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** reserve() was called twice with the same request id: ids are single use. */
export class ReservationConflictError extends GatewayError {
  constructor(reservationId: string, state: string) {
    super('reservation_conflict', 500, `Reservation ${reservationId} already exists (${state}); request ids are single use`);
  }
}
