// Google API error bodies ({"error":{"code","message","status","details"}}; a non-SSE stream wraps
// them in an array) and statuses → UpstreamError (providers.md §5, §13).
// - Retryable: 408, 409 ABORTED, 429 RESOURCE_EXHAUSTED, 5xx (503 UNAVAILABLE is "overloaded") —
//   except a 429 whose QuotaFailure names a per-day quota: no backoff within a request's life helps.
// - The wait: a Retry-After header when the response has one, else `RetryInfo.retryDelay` ("27s").
// - An invalid API key is a 400 on Gemini (ErrorInfo reason API_KEY_INVALID): kept as 400, typed as
//   an authentication error so it is never mistaken for a bad request body.
import { UpstreamError } from '../../core/errors.js';
import { retryAfterSeconds } from '../openai/map-error.js';
import type { ErrorContext } from '../types.js';

/** google.rpc.Code names → HTTP status, for error objects that carry no numeric code. */
const STATUS_CODE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export interface GoogleErrorObject {
  readonly code: number | null;
  readonly message: string | null;
  /** The google.rpc.Code name, e.g. RESOURCE_EXHAUSTED. */
  readonly status: string | null;
  readonly details: readonly Readonly<Record<string, unknown>>[];
}

function rec(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The `error` object of a body (or of one stream chunk), undefined when there is none. */
export function readGoogleError(body: unknown): GoogleErrorObject | undefined {
  const outer = Array.isArray(body) ? body[0] : body;
  const e = rec(rec(outer)?.['error']);
  if (e === undefined) return undefined;
  const { code, message, status, details } = e;
  return {
    code: typeof code === 'number' && Number.isInteger(code) ? code : null,
    message: typeof message === 'string' && message !== '' ? message : null,
    status: typeof status === 'string' && status !== '' ? status : null,
    details: Array.isArray(details) ? details.map(rec).filter((d): d is Readonly<Record<string, unknown>> => d !== undefined) : [],
  };
}

function detail(e: GoogleErrorObject, type: string): Readonly<Record<string, unknown>> | undefined {
  return e.details.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(`google.rpc.${type}`));
}

/** RetryInfo.retryDelay: a Duration, "27s" / "1.5s" in JSON ({seconds, nanos} tolerated). */
export function retryDelaySeconds(e: GoogleErrorObject): number | undefined {
  const delay = detail(e, 'RetryInfo')?.['retryDelay'];
  if (typeof delay === 'string') {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
    return m ? Math.ceil(Number(m[1])) : undefined;
  }
  const d = rec(delay);
  if (d === undefined) return undefined;
  const seconds = Number(d['seconds'] ?? 0) + Number(d['nanos'] ?? 0) / 1e9;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function perDayQuota(e: GoogleErrorObject): boolean {
  const violations = detail(e, 'QuotaFailure')?.['violations'];
  if (!Array.isArray(violations)) return false;
  return violations.some((v) => {
    const id = rec(v)?.['quotaId'];
    return typeof id === 'string' && /PerDay/i.test(id);
  });
}

function apiKeyInvalid(e: GoogleErrorObject): boolean {
  return detail(e, 'ErrorInfo')?.['reason'] === 'API_KEY_INVALID';
}

/** The status a mid-stream error object stands for (its code, else its status name). */
export function statusOf(e: GoogleErrorObject): number {
  if (e.code !== null && e.code >= 400 && e.code <= 599) return e.code;
  return (e.status !== null ? STATUS_CODE[e.status] : undefined) ?? 500;
}

export function isRetryable(status: number, e: GoogleErrorObject | undefined): boolean {
  if (status === 429 && e !== undefined && perDayQuota(e)) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function googleError(status: number, e: GoogleErrorObject | undefined, fallbackMessage: string, retryAfter?: number): UpstreamError {
  return new UpstreamError({
    status,
    message: e?.message ?? fallbackMessage,
    upstreamCode: e?.status ?? null,
    ...(e !== undefined && apiKeyInvalid(e) ? { type: 'authentication_error' } : {}),
    retryable: isRetryable(status, e),
    retryAfterSeconds: retryAfter ?? (e !== undefined ? retryDelaySeconds(e) : undefined),
  });
}

export function mapGeminiError(ctx: ErrorContext): UpstreamError {
  let e: GoogleErrorObject | undefined;
  let fallback = `Gemini returned HTTP ${ctx.status}`;
  try {
    e = readGoogleError(JSON.parse(ctx.body));
  } catch {
    if (ctx.body.trim()) fallback = `${fallback}: ${ctx.body.trim().slice(0, 200)}`;
  }
  return googleError(ctx.status, e, fallback, retryAfterSeconds(ctx.headers, ctx.now));
}
