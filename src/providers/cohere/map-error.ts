// Cohere error bodies (`{"message": "..."}`, sometimes with an `id`) and statuses → UpstreamError
// (providers.md §9, §13). Retryable: 408, 429 and 5xx but 501 (not implemented: no retry helps) —
// except a 429 for a monthly call quota, which no backoff fixes. 498 is Cohere's "invalid token":
// an authentication failure, like 401. 422 and 499 (client closed) are not retried.
import { UpstreamError } from '../../core/errors.js';
import { retryAfterSeconds } from '../openai/map-error.js';
import type { ErrorContext } from '../types.js';

export const COHERE_INVALID_TOKEN_STATUS = 498;

const MONTHLY = /month/i;

export function isRetryable(status: number, message: string | null): boolean {
  if (status === 429) return message === null || !MONTHLY.test(message);
  return status === 408 || (status >= 500 && status !== 501);
}

function errorType(status: number): string | undefined {
  return status === COHERE_INVALID_TOKEN_STATUS ? 'authentication_error' : undefined;
}

export function readMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    const m = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['message'] : undefined;
    return typeof m === 'string' && m !== '' ? m : null;
  } catch {
    return null;
  }
}

export function mapCohereError(ctx: ErrorContext): UpstreamError {
  const message = readMessage(ctx.body);
  const raw = ctx.body.trim();
  return new UpstreamError({
    status: ctx.status,
    message: message ?? `Cohere returned HTTP ${ctx.status}${raw !== '' ? `: ${raw.slice(0, 200)}` : ''}`,
    upstreamCode: null,
    type: errorType(ctx.status),
    retryable: isRetryable(ctx.status, message),
    retryAfterSeconds: retryAfterSeconds(ctx.headers, ctx.now),
  });
}
