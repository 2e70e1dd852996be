// The one error a client sees when every planned attempt failed (FAILURE-MODES R1): it lists every
// attempt with its upstream status and code and every skipped target with its reason, and picks
// a status that tells the client what to do — 429 when every attempt was rate limited (wait for
// Retry-After), 503 when capacity was the problem, 502 when upstreams answered with errors.
import { GatewayError, UpstreamError, toGatewayError } from '../core/errors.js';

export interface FailedAttempt {
  readonly deployment: string;
  readonly status: number;
  /** The gateway error code (`upstream_error`, `upstream_timeout`, …). */
  readonly code: string;
  /** The provider's own error code, when it sent one. */
  readonly upstreamCode: string | null;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly latencyMs: number | undefined;
}

/** Why a planned target was not called. `incapable`: it cannot serve this request at all. */
export type SkipKind = 'breaker_open' | 'incapable' | 'over_latency_budget' | 'duplicate' | 'max_attempts' | 'unknown_group' | 'retry_budget';

export interface SkippedTarget {
  readonly deployment: string;
  readonly group: string;
  readonly kind: SkipKind;
  readonly reason: string;
}

/** The record of one failed attempt, from whatever it threw. */
export function failedAttempt(deployment: string, err: unknown, latencyMs?: number): FailedAttempt {
  const e = toGatewayError(err);
  return {
    deployment,
    status: e.status,
    code: e.code,
    upstreamCode: e instanceof UpstreamError ? e.upstreamCode : null,
    message: e.message.length > 300 ? `${e.message.slice(0, 300)}…` : e.message,
    retryable: e.retryable,
    retryAfterSeconds: e.retryAfterSeconds,
    latencyMs,
  };
}

const UNAVAILABLE_STATUS = new Set([503, 504, 529]);
const UNAVAILABLE_CODES = new Set(['upstream_unreachable', 'upstream_timeout', 'breaker_open', 'overloaded_error', 'shutting_down']);

function isUnavailable(a: FailedAttempt): boolean {
  return UNAVAILABLE_STATUS.has(a.status) || UNAVAILABLE_CODES.has(a.code) || (a.upstreamCode !== null && UNAVAILABLE_CODES.has(a.upstreamCode));
}

export function aggregateStatus(attempts: readonly FailedAttempt[], skipped: readonly SkippedTarget[]): number {
  if (attempts.length === 0) {
    // Nothing was called: the request itself cannot be served here (400), or nothing was healthy (503).
    return skipped.length > 0 && skipped.every((s) => s.kind === 'incapable') ? 400 : 503;
  }
  if (attempts.every((a) => a.status === 429)) return 429;
  if (attempts.some(isUnavailable)) return 503;
  return 502;
}

export class AllAttemptsFailedError extends GatewayError {
  readonly attempts: readonly FailedAttempt[];
  readonly skipped: readonly SkippedTarget[];

  constructor(model: string, attempts: readonly FailedAttempt[], skipped: readonly SkippedTarget[] = []) {
    const status = aggregateStatus(attempts, skipped);
    const hints = attempts.filter((a) => a.status === 429 && a.retryAfterSeconds !== undefined).map((a) => a.retryAfterSeconds!);
    const list = attempts.map((a) => `${a.deployment} → ${a.status} ${a.upstreamCode ?? a.code}`).join('; ');
    const skips = skipped.map((s) => `${s.deployment} (${s.reason})`).join('; ');
    const message =
      attempts.length === 0
        ? `No deployment for model '${model}' could take this request: ${skips || 'none configured'}`
        : `All ${attempts.length} attempt${attempts.length === 1 ? '' : 's'} for model '${model}' failed: ${list}${skips ? `. Skipped: ${skips}` : ''}`;
    super('all_attempts_failed', status, message, {
      retryable: status === 429 || status === 503 || attempts.some((a) => a.retryable),
      retryAfterSeconds: hints.length > 0 ? Math.min(...hints) : undefined,
      param: status === 400 ? 'model' : null,
      details: {
        attempts: attempts.map((a) => ({
          deployment: a.deployment,
          status: a.status,
          code: a.code,
          upstream_code: a.upstreamCode,
          message: a.message,
          ...(a.latencyMs !== undefined ? { latency_ms: a.latencyMs } : {}),
        })),
        skipped: skipped.map((s) => ({ deployment: s.deployment, group: s.group, kind: s.kind, reason: s.reason })),
      },
    });
    this.attempts = attempts;
    this.skipped = skipped;
  }
}
