// Input checks shared by every CounterStore, and the reservation id format. Bad input here is a
// caller bug, so it throws RangeError (as core/money.ts does) before any counter is touched.

import { MAX_WINDOW_BUCKETS, type ActualUsage, type BreakerPolicy, type ReserveRequest, type RollingWindow } from './counter-store.js';

/** Redis' integer range: every money counter must stay within it (INCRBY would refuse). */
export const INT64_MAX = 9_223_372_036_854_775_807n;

/**
 * Escapes the characters that structure our ids and Redis keys (`%`, `:`, `/`, `{`, `}`), so an
 * org id can never break out of its `{org:…}` hash tag and no two (period, scope) pairs can
 * produce the same key.
 */
const NEEDS_ESCAPE = /[%:/{}]/;

export function escapePart(s: string): string {
  // Most parts (request ids, period ids, org ids) need none: test before building a new string.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[%:/{}]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * Deterministic, so a caller whose reserve() timed out (the script may still have run) can
 * release the reservation without having seen the id.
 */
export function reservationIdFor(org: string, requestId: string): string {
  return `${escapePart(org)}/${escapePart(requestId)}`;
}

/** The escaped org and request id inside a reservation id. */
export function parseReservationId(id: string): { readonly orgPart: string; readonly requestPart: string } {
  const parts = id.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new RangeError(`not a reservation id: ${JSON.stringify(id)}`);
  }
  return { orgPart: parts[0]!, requestPart: parts[1]! };
}

function count(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
    throw new RangeError(`${name} must be a non-negative whole number, got ${String(v)}`);
  }
}

function money(name: string, v: bigint | undefined): void {
  if (v !== undefined && (typeof v !== 'bigint' || v < 0n || v > INT64_MAX)) {
    throw new RangeError(`${name} must be a bigint of nano-dollars in [0, 2^63), got ${String(v)}`);
  }
}

function nonEmpty(name: string, v: string): void {
  if (typeof v !== 'string' || v.length === 0) throw new RangeError(`${name} must be a non-empty string`);
}

export function checkReserveRequest(req: ReserveRequest): void {
  nonEmpty('org', req.org);
  nonEmpty('requestId', req.requestId);
  money('costNanos', req.costNanos);
  count('tokens', req.tokens);
  if (req.leaseTtlMs !== undefined && !(Number.isSafeInteger(req.leaseTtlMs) && req.leaseTtlMs > 0)) {
    throw new RangeError(`leaseTtlMs must be a positive whole number, got ${String(req.leaseTtlMs)}`);
  }
  checkNow(req.now);
  if (req.scopes.length === 0) throw new RangeError('a reservation needs at least one scope');
  const seen = new Set<string>();
  for (const s of req.scopes) {
    nonEmpty('scope', s.scope);
    nonEmpty(`periodId of ${s.scope}`, s.periodId);
    if (seen.has(s.scope)) throw new RangeError(`scope ${s.scope} listed twice`);
    seen.add(s.scope);
    money(`budgetNanos of ${s.scope}`, s.budgetNanos);
    count(`rpm of ${s.scope}`, s.rpm);
    count(`tpm of ${s.scope}`, s.tpm);
    count(`maxParallel of ${s.scope}`, s.maxParallel);
    if (s.window !== undefined) checkWindow(s.window, s.scope);
    if (s.retainUntil !== undefined && !(Number.isSafeInteger(s.retainUntil) && s.retainUntil > 0)) {
      throw new RangeError(`retainUntil of ${s.scope} must be whole milliseconds since the epoch, got ${String(s.retainUntil)}`);
    }
  }
}

export function checkWindow(w: RollingWindow, scope = 'the scope'): void {
  if (!(Number.isSafeInteger(w.bucketMs) && w.bucketMs > 0)) throw new RangeError(`window.bucketMs of ${scope} must be a positive whole number, got ${String(w.bucketMs)}`);
  if (!(Number.isSafeInteger(w.buckets) && w.buckets >= 1 && w.buckets <= MAX_WINDOW_BUCKETS)) {
    throw new RangeError(`window.buckets of ${scope} must be a whole number from 1 to ${MAX_WINDOW_BUCKETS}, got ${String(w.buckets)}`);
  }
}

export function checkActual(actual: ActualUsage): void {
  money('costNanos', actual.costNanos);
  count('tokens', actual.tokens);
  if (actual.scopes !== undefined && !(Array.isArray(actual.scopes) && actual.scopes.every((s) => typeof s === 'string'))) {
    throw new RangeError('scopes must be an array of scope names');
  }
  for (const [scope, cost] of Object.entries(actual.scopeCosts ?? {})) money(`scopeCosts of ${scope}`, cost);
}

export function checkNow(now: number | undefined): void {
  if (now !== undefined && !(Number.isSafeInteger(now) && now >= 0)) {
    throw new RangeError(`now must be whole milliseconds since the epoch, got ${String(now)}`);
  }
}

/** The policy with defaults applied and the failure ratio as exact per-mille. */
export interface ResolvedBreakerPolicy {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly rate: { readonly permille: number; readonly minRequests: number; readonly windowMs: number } | null;
  readonly halfOpenProbes: number;
  readonly probeTimeoutMs: number;
}

export function resolveBreakerPolicy(p: BreakerPolicy): ResolvedBreakerPolicy {
  const positive = (name: string, v: number): number => {
    if (!(Number.isSafeInteger(v) && v > 0)) throw new RangeError(`breaker ${name} must be a positive whole number, got ${v}`);
    return v;
  };
  let rate: ResolvedBreakerPolicy['rate'] = null;
  if (p.failureRate) {
    const { ratio, minRequests, windowMs } = p.failureRate;
    if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`breaker failureRate.ratio must be in (0, 1], got ${ratio}`);
    rate = {
      permille: Math.max(1, Math.round(ratio * 1000)),
      minRequests: positive('failureRate.minRequests', minRequests),
      windowMs: positive('failureRate.windowMs', windowMs),
    };
  }
  return {
    failureThreshold: positive('failureThreshold', p.failureThreshold),
    cooldownMs: positive('cooldownMs', p.cooldownMs),
    rate,
    halfOpenProbes: positive('halfOpenProbes', p.halfOpenProbes ?? 1),
    probeTimeoutMs: positive('probeTimeoutMs', p.probeTimeoutMs ?? 30_000),
  };
}
