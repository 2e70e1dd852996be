// Bedrock errors → UpstreamError (providers.md §6, §13): the status, the exception name in the
// `x-amzn-ErrorType` header (`Name` or `Name:namespace-url`; older services put it in the body's
// `__type`), and `{"message"}`. Mid-stream exceptions carry the same names in camelCase.
// Retryable: throttling and model-not-ready (429), model timeout (408), model errors (424) and 5xx —
// except a throttle on a daily quota, which no quick retry fixes. Bedrock sends no Retry-After
// (unverified); one is honoured if present.
import { UpstreamError } from '../../core/errors.js';
import { retryAfterSeconds } from '../openai/map-error.js';
import type { ErrorContext } from '../types.js';

/** Exception name → the status it comes with (for exceptions that arrive mid-stream, after a 200). */
const EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

const DAILY_QUOTA = /per day|daily/i;

/** `modelStreamErrorException` (stream) and `ModelStreamErrorException` (HTTP) are one name. */
export function exceptionName(raw: string): string {
  const bare = raw.split(':')[0]?.split('#').at(-1)?.trim() ?? '';
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

export function statusForException(name: string): number {
  return EXCEPTION_STATUS[name] ?? 500;
}

export function isRetryable(status: number, name: string | null, message: string | null): boolean {
  if (name === 'ServiceQuotaExceededException') return false;
  if (status === 429 && message !== null && DAILY_QUOTA.test(message)) return false;
  return status === 408 || status === 424 || status === 429 || status >= 500;
}

export function bedrockError(status: number, name: string | null, message: string | null, fallback: string, retryAfter?: number): UpstreamError {
  return new UpstreamError({
    status,
    message: message ?? fallback,
    upstreamCode: name,
    retryable: isRetryable(status, name, message),
    retryAfterSeconds: retryAfter,
  });
}

function header(headers: ErrorContext['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

export function mapBedrockError(ctx: ErrorContext): UpstreamError {
  let name: string | null = null;
  let message: string | null = null;
  let fallback = `Bedrock returned HTTP ${ctx.status}`;
  try {
    const body = JSON.parse(ctx.body) as Record<string, unknown> | null;
    const m = body?.['message'] ?? body?.['Message'];
    if (typeof m === 'string' && m !== '') message = m;
    const t = body?.['__type'];
    if (typeof t === 'string' && t !== '') name = exceptionName(t);
  } catch {
    if (ctx.body.trim()) fallback = `${fallback}: ${ctx.body.trim().slice(0, 200)}`;
  }
  const h = header(ctx.headers, 'x-amzn-errortype');
  if (h !== undefined && h !== '') name = exceptionName(h);
  return bedrockError(ctx.status, name, message, fallback, retryAfterSeconds(ctx.headers, ctx.now));
}
