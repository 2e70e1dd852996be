// When to try again, how long to wait, and how many retries the gateway may spend at all.
// Pure: random and clock are injected, so every decision is reproducible in tests.
import { GatewayError } from '../core/errors.js';

export interface BackoffPolicy {
  /** First backoff ceiling; attempt n waits up to base · 2^n. */
  readonly baseMs: number;
  /** Ceiling of the computed backoff (before jitter). */
  readonly capMs: number;
  /**
   * The longest provider hint (Retry-After) the gateway waits out. A longer hint means "this
   * target is busy for a while": move to the next target instead of holding the client.
   */
  readonly maxHintMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 100, capMs: 5_000, maxHintMs: 60_000 });

/** Full jitter (AWS architecture blog): uniform in [0, min(cap, base · 2^attempt)). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // 2^attempt overflows to Infinity for large attempts; min() still gives the cap.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Only errors that say so are retried: a non-retryable 4xx is the same answer everywhere. */
export function isRetryable(err: unknown): boolean {
  return err instanceof GatewayError && err.retryable;
}

/**
 * A provider's wait hint in milliseconds, from raw headers: `retry-after-ms` first (OpenAI,
 * sub-second), then `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  now: number,
): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const ra = first(headers['retry-after']);
  if (ra === undefined) return undefined;
  const t = ra.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.ceil(Number(t) * 1000);
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function first(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : v?.[0];
}

/**
 * The hint carried by an error: `hintMs` when the caller has the precise value (parseRetryAfterMs),
 * else the seconds the provider adapter already parsed into `retryAfterSeconds`.
 */
export function retryHintMs(err: unknown, hintMs?: number): number | undefined {
  if (hintMs !== undefined && Number.isFinite(hintMs) && hintMs >= 0) return hintMs;
  if (err instanceof GatewayError && err.retryAfterSeconds !== undefined) return err.retryAfterSeconds * 1000;
  return undefined;
}

export const DEFAULT_SAME_TARGET_RETRIES = 2;

export type NextStep =
  /** Call the same deployment again after delayMs (nothing else left in the plan). */
  | { readonly action: 'retry_same'; readonly delayMs: number; readonly hinted: boolean }
  /** Go to the next planned attempt now: another deployment need not wait for this one's hint. */
  | { readonly action: 'next_target' }
  /** The failure is final for this request. */
  | {
      readonly action: 'stop';
      readonly reason: 'stream_started' | 'not_retryable' | 'hint_too_long' | 'deadline' | 'plan_exhausted' | 'budget_exhausted';
    };

/**
 * What to do after a failed call. Retryable failures move on to the next planned target at once
 * (the failing deployment's breaker records the failure and its hint as a cooldown); only when the
 * plan has nothing left is the same deployment called again, after its Retry-After (up to
 * maxHintMs) or a full-jitter backoff. Every extra call is charged to the retry budget.
 */
export function decideNextStep(o: {
  readonly err: unknown;
  /** Retries already made on the current target (0 after its first call). */
  readonly sameTargetRetries: number;
  readonly hasNextTarget: boolean;
  /** Bytes already reached the client: no fallback, the stream ends with an error event. */
  readonly streamStarted?: boolean;
  readonly maxSameTargetRetries?: number;
  readonly policy?: BackoffPolicy;
  readonly random?: () => number;
  /** Precise hint when the caller has raw headers; else taken from the error. */
  readonly hintMs?: number;
  /** Time left before the request's total deadline; a longer wait stops instead. */
  readonly remainingMs?: number;
  /** Asked last, only when another call would be made; false means the budget is spent. */
  readonly acquireBudget?: () => boolean;
}): NextStep {
  if (o.streamStarted) return stop('stream_started');
  if (!isRetryable(o.err)) return stop('not_retryable');
  let step: NextStep;
  if (o.hasNextTarget) step = { action: 'next_target' };
  else if (o.sameTargetRetries >= (o.maxSameTargetRetries ?? DEFAULT_SAME_TARGET_RETRIES)) return stop('plan_exhausted');
  else {
    const policy = o.policy ?? DEFAULT_BACKOFF;
    const hint = retryHintMs(o.err, o.hintMs);
    if (hint !== undefined && hint > policy.maxHintMs) return stop('hint_too_long');
    const delayMs = hint ?? backoffDelayMs(o.sameTargetRetries, policy, o.random);
    if (o.remainingMs !== undefined && delayMs >= o.remainingMs) return stop('deadline');
    step = { action: 'retry_same', delayMs, hinted: hint !== undefined };
  }
  if (o.acquireBudget && !o.acquireBudget()) return stop('budget_exhausted');
  return step;
}

function stop(reason: Extract<NextStep, { action: 'stop' }>['reason']): NextStep {
  return { action: 'stop', reason };
}

export interface RetryBudgetOptions {
  /** Retries may be at most this fraction of requests in the window (0.2 = 20 %). */
  readonly ratio: number;
  /** Window over which requests and retries are counted. */
  readonly windowMs: number;
  /** Retries always allowed per second, so a quiet deployment can still retry. */
  readonly minRetriesPerSecond: number;
  /** Resolution of the sliding window (default 10 slots). */
  readonly slots?: number;
  readonly now?: () => number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = Object.freeze({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 3 });

interface Ring {
  /** Slot index (absolute: floor(now / slotMs)) of each position, to detect stale slots. */
  readonly epoch: number[];
  readonly requests: number[];
  readonly retries: number[];
}

/**
 * Retries allowed per key (deployment id, or one global key) as a share of recent requests, in
 * the manner of Finagle's RetryBudget: a failing provider gets at most ratio·requests +
 * min·window retries per window, so retries cannot multiply load into a storm.
 * Counts live in a ring of time slots (no timers); process-local by design.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #slotMs: number;
  readonly #slots: number;
  readonly #floor: number;
  readonly #now: () => number;
  readonly #rings = new Map<string, Ring>();

  constructor(opts: RetryBudgetOptions = DEFAULT_RETRY_BUDGET) {
    if (!(opts.ratio >= 0) || !(opts.windowMs > 0) || !(opts.minRetriesPerSecond >= 0)) {
      throw new RangeError('RetryBudget: ratio and minRetriesPerSecond must be ≥ 0 and windowMs > 0');
    }
    this.#ratio = opts.ratio;
    this.#slots = Math.max(1, Math.floor(opts.slots ?? 10));
    this.#slotMs = opts.windowMs / this.#slots;
    this.#floor = (opts.minRetriesPerSecond * opts.windowMs) / 1000;
    this.#now = opts.now ?? Date.now;
  }

  /** Count one first attempt (not a retry) sent under `key`. */
  recordRequest(key = 'global'): void {
    const { ring, i } = this.#slot(key);
    ring.requests[i]! += 1;
  }

  /** Take one retry from the budget; false (and nothing counted) when the budget is spent. */
  tryAcquire(key = 'global'): boolean {
    if (this.available(key) < 1) return false;
    const { ring, i } = this.#slot(key);
    ring.retries[i]! += 1;
    return true;
  }

  /** Retries still allowed now under `key` (may be fractional). */
  available(key = 'global'): number {
    const { requests, retries } = this.#totals(key);
    return Math.max(0, this.#floor + this.#ratio * requests - retries);
  }

  #slot(key: string): { ring: Ring; i: number } {
    let ring = this.#rings.get(key);
    if (!ring) {
      ring = { epoch: new Array<number>(this.#slots).fill(-1), requests: new Array<number>(this.#slots).fill(0), retries: new Array<number>(this.#slots).fill(0) };
      this.#rings.set(key, ring);
    }
    const abs = Math.floor(this.#now() / this.#slotMs);
    const i = ((abs % this.#slots) + this.#slots) % this.#slots;
    if (ring.epoch[i] !== abs) {
      ring.epoch[i] = abs;
      ring.requests[i] = 0;
      ring.retries[i] = 0;
    }
    return { ring, i };
  }

  #totals(key: string): { requests: number; retries: number } {
    const ring = this.#rings.get(key);
    if (!ring) return { requests: 0, retries: 0 };
    const abs = Math.floor(this.#now() / this.#slotMs);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.#slots; i++) {
      const e = ring.epoch[i]!;
      if (e > abs - this.#slots && e <= abs) {
        requests += ring.requests[i]!;
        retries += ring.retries[i]!;
      }
    }
    return { requests, retries };
  }
}
