// The in-process counters. Every public method is synchronous and never awaits, so on Node's
// single thread a reserve (check every scope, then write every scope) is atomic by construction.
// Semantics mirror redis/reservation-scripts.ts exactly; the conformance suite holds both to it.

import {
  RATE_WINDOW_MS,
  SETTLED_RECORD_RETENTION_MS,
  ReservationConflictError,
  type ActualUsage,
  type ReserveRequest,
  type ReserveResult,
  type RollingWindow,
  type ScopeUsage,
  type SettleResult,
} from '../counter-store.js';
import { INT64_MAX, escapePart, reservationIdFor } from '../reserve-request.js';
import { BudgetCells, type BucketRef } from './budget-cells.js';
import { SlidingLog } from './sliding-log.js';

interface HeldScope {
  readonly scope: string;
  readonly scopeKey: string;
  /** Holds the reservation (and, for calendar periods, spend and requests). */
  readonly budgetKey: string;
  /** Rolling budgets: the admission bucket, which receives the spend. */
  readonly bucket?: BucketRef;
  readonly rpm: boolean;
  readonly tpm: boolean;
  readonly retainUntil?: number;
}


interface Reservation {
  readonly id: string;
  readonly cost: bigint;
  readonly tokens: number;
  readonly expiresAt: number;
  scopes: readonly HeldScope[];
  state: 'live' | 'expired' | 'settled';
  /** Wall-clock time after which a retired record is forgotten. */
  forgetAt: number;
}

export interface CounterTableOptions {
  readonly leaseTtlMs: number;
  readonly recordRetentionMs: number;
}

const scopeKeyOf = (org: string, scope: string): string => `${escapePart(org)}:${escapePart(scope)}`;
const budgetKeyOf = (scopeKey: string, periodId: string): string => `${scopeKey}:${escapePart(periodId)}`;

export class CounterTable {
  private readonly cells = new BudgetCells();
  private readonly rpm = new Map<string, SlidingLog>();
  private readonly tpm = new Map<string, SlidingLog>();
  private readonly inFlight = new Map<string, number>();
  private readonly records = new Map<string, Reservation>();
  private readonly live = new Set<Reservation>();
  /** Earliest expiry among live leases (possibly stale-low): below it there is nothing to reap. */
  private nextExpiry = Number.POSITIVE_INFINITY;
  /** [forget at (wall clock), record] in retirement order; a record expired then settled is here twice. */
  private readonly retired: Array<readonly [number, Reservation]> = [];
  private retiredHead = 0;
  private nextSweep = 0;

  constructor(private readonly opts: CounterTableOptions) {}

  reserve(req: ReserveRequest, now: number): ReserveResult {
    this.reap(now);
    this.sweepIdle(now);
    const id = reservationIdFor(req.org, req.requestId);
    const existing = this.records.get(id);
    if (existing !== undefined) throw new ReservationConflictError(id, existing.state);

    const held: HeldScope[] = [];
    // Phase 1: check every scope; nothing is written until all have passed.
    for (const s of req.scopes) {
      const scopeKey = scopeKeyOf(req.org, s.scope);
      const budgetKey = budgetKeyOf(scopeKey, s.periodId);
      const b = this.cells.get(budgetKey);
      const current = s.window ? (b?.reserved ?? 0n) + this.cells.windowSum(budgetKey, s.window, now).spent : b === undefined ? 0n : b.spent + b.reserved;
      const limit = s.budgetNanos ?? INT64_MAX;
      if (current + req.costNanos > limit) {
        return { ok: false, scope: s.scope, limit: 'budget', limitValue: limit, current, requested: req.costNanos, retryAfterMs: null };
      }
      if (s.rpm !== undefined) {
        const log = this.rpm.get(scopeKey);
        log?.prune(now);
        const n = log?.size ?? 0;
        if (n + 1 > s.rpm) {
          const retryAfterMs = log === undefined || s.rpm === 0 ? null : log.untilNthLeaves(now, n + 1 - s.rpm);
          return { ok: false, scope: s.scope, limit: 'rpm', limitValue: s.rpm, current: n, requested: 1, retryAfterMs };
        }
      }
      if (s.tpm !== undefined) {
        const log = this.tpm.get(scopeKey);
        log?.prune(now);
        const sum = log?.total ?? 0;
        if (sum + req.tokens > s.tpm) {
          const retryAfterMs = log === undefined ? null : log.retryAfter(now, sum + req.tokens - s.tpm);
          return { ok: false, scope: s.scope, limit: 'tpm', limitValue: s.tpm, current: sum, requested: req.tokens, retryAfterMs };
        }
      }
      if (s.maxParallel !== undefined) {
        const f = this.inFlight.get(scopeKey) ?? 0;
        if (f + 1 > s.maxParallel) {
          return { ok: false, scope: s.scope, limit: 'concurrency', limitValue: s.maxParallel, current: f, requested: 1, retryAfterMs: null };
        }
      }
      const bucket = s.window ? this.cells.bucketOf(budgetKey, s.window, now) : undefined;
      held.push({ scope: s.scope, scopeKey, budgetKey, ...(bucket ? { bucket } : {}), ...(s.retainUntil !== undefined ? { retainUntil: s.retainUntil } : {}), rpm: s.rpm !== undefined, tpm: s.tpm !== undefined });
    }

    // Phase 2: every scope passed; write them all.
    for (const h of held) {
      const b = this.cells.getOrCreate(h.budgetKey);
      if (h.retainUntil !== undefined) b.retainUntil = h.retainUntil;
      b.reserved += req.costNanos;
      if (h.bucket) this.cells.bucket(h.bucket).requests += 1;
      else b.requests += 1;
      if (h.rpm) logOf(this.rpm, h.scopeKey, false).add(now, 1, id);
      if (h.tpm) logOf(this.tpm, h.scopeKey, true).add(now, req.tokens, id);
      this.inFlight.set(h.scopeKey, (this.inFlight.get(h.scopeKey) ?? 0) + 1);
    }
    const expiresAt = now + (req.leaseTtlMs ?? this.opts.leaseTtlMs);
    const r: Reservation = { id, cost: req.costNanos, tokens: req.tokens, expiresAt, scopes: held, state: 'live', forgetAt: 0 };
    this.records.set(id, r);
    this.live.add(r);
    this.nextExpiry = Math.min(this.nextExpiry, expiresAt);
    return { ok: true, reservationId: id, expiresAt };
  }

  settle(id: string, actual: ActualUsage): SettleResult {
    this.forgetRetired();
    const r = this.records.get(id);
    if (r === undefined) return { applied: false, reason: 'unknown' };
    if (r.state === 'settled') return { applied: false, reason: 'already_settled' };
    const billed = actual.scopes === undefined ? undefined : new Set(actual.scopes);
    const bills = (h: HeldScope): boolean => billed === undefined || billed.has(h.scope);
    const costOf = (h: HeldScope): bigint => actual.scopeCosts?.[h.scope] ?? actual.costNanos;
    for (const h of r.scopes) {
      const b = h.bucket ? this.cells.peekBucket(h.bucket) : this.cells.get(h.budgetKey);
      if (bills(h) && b !== undefined && b.spent + costOf(h) > INT64_MAX) {
        throw new RangeError(`spend on ${h.budgetKey} would pass 2^63 nano-dollars`);
      }
    }
    const afterExpiry = r.state === 'expired';
    // A lease that lapsed but was not reaped yet is still fully reserved: settle it as live.
    if (!afterExpiry) this.unreserve(r);
    for (const h of r.scopes) {
      const billedHere = bills(h);
      if (billedHere) (h.bucket ? this.cells.bucket(h.bucket) : this.cells.getOrCreate(h.budgetKey)).spent += costOf(h);
      // Tokens stay attributed to the admission instant; correct them while still in the window.
      if (h.tpm) this.tpm.get(h.scopeKey)?.reweigh(id, billedHere ? actual.tokens : 0);
    }
    this.retire(r, 'settled');
    return { applied: true, afterExpiry };
  }

  usage(org: string, scope: string, periodId: string, now: number, window?: RollingWindow): ScopeUsage {
    this.reap(now);
    const scopeKey = scopeKeyOf(org, scope);
    const budgetKey = budgetKeyOf(scopeKey, periodId);
    const cell = this.cells.get(budgetKey);
    const b = window ? { ...this.cells.windowSum(budgetKey, window, now), reserved: cell?.reserved ?? 0n } : cell;
    const rpm = this.rpm.get(scopeKey);
    const tpm = this.tpm.get(scopeKey);
    rpm?.prune(now);
    tpm?.prune(now);
    return {
      spentNanos: b?.spent ?? 0n,
      reservedNanos: b?.reserved ?? 0n,
      requests: b?.requests ?? 0,
      inFlight: this.inFlight.get(scopeKey) ?? 0,
      requestsLastMinute: rpm?.size ?? 0,
      tokensLastMinute: tpm?.total ?? 0,
    };
  }

  /** Returns the reserved budget and concurrency slots of lapsed leases; RPM/TPM entries stay. */
  private reap(now: number): void {
    this.forgetRetired();
    if (now < this.nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const r of this.live) {
      if (r.expiresAt <= now) {
        this.unreserve(r);
        this.retire(r, 'expired');
      } else {
        next = Math.min(next, r.expiresAt);
      }
    }
    this.nextExpiry = next;
  }

  /** Once a window length, drops the logs of idle scopes (Redis lets their keys expire). */
  private sweepIdle(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + RATE_WINDOW_MS;
    this.cells.sweep(now);
    for (const logs of [this.rpm, this.tpm]) {
      for (const [k, log] of logs) {
        log.prune(now);
        if (log.size === 0) logs.delete(k);
      }
    }
  }

  private unreserve(r: Reservation): void {
    for (const h of r.scopes) {
      const b = this.cells.get(h.budgetKey);
      if (b !== undefined) b.reserved -= r.cost;
      const f = (this.inFlight.get(h.scopeKey) ?? 0) - 1;
      if (f > 0) this.inFlight.set(h.scopeKey, f);
      else this.inFlight.delete(h.scopeKey);
    }
  }

  private retire(r: Reservation, state: 'expired' | 'settled'): void {
    this.live.delete(r);
    r.state = state;
    // A settled record only answers "already settled" to a duplicate settle, which comes within
    // seconds; forgetting it later is harmless (an unknown id changes nothing). Keeping every one
    // for the full retention cost ~0.7 KB per request of process memory. An expired (unsettled)
    // record keeps its scopes for the full retention, so a late settle can still bill them.
    if (state === 'settled') r.scopes = [];
    r.forgetAt = Date.now() + (state === 'settled' ? Math.min(SETTLED_RECORD_RETENTION_MS, this.opts.recordRetentionMs) : this.opts.recordRetentionMs);
    this.retired.push([r.forgetAt, r]);
  }

  /** Forgets records past retention (wall clock, like the Redis key TTL it mirrors). */
  private forgetRetired(): void {
    const wall = Date.now();
    while (this.retiredHead < this.retired.length && this.retired[this.retiredHead]![0] <= wall) {
      const r = this.retired[this.retiredHead++]![1];
      // A record settled after it expired was retired again later: its newer entry forgets it.
      if (r.forgetAt <= wall && this.records.get(r.id) === r) this.records.delete(r.id);
    }
    if (this.retiredHead > 1024 && this.retiredHead * 2 > this.retired.length) {
      this.retired.splice(0, this.retiredHead);
      this.retiredHead = 0;
    }
  }
}

function logOf(map: Map<string, SlidingLog>, key: string, reweighable: boolean): SlidingLog {
  let log = map.get(key);
  if (log === undefined) map.set(key, (log = new SlidingLog({ reweighable })));
  return log;
}
