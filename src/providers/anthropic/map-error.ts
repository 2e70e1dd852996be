// Anthropic error bodies ({"type":"error","error":{"type","message"},"request_id"}) and statuses →
// UpstreamError (providers.md §4, §13). Retryable: 408, 409, 429, 5xx and 529 `overloaded_error` —
// except a 429 (or 402 billing_error) for an exhausted spend limit or credit balance, which no retry fixes.
// The status stays the upstream's own (529 included) so a pass-through surface can keep it; the
// OpenAI surface shows 529 as 503 (surfaces/openai-chat/client-status.ts).
import { UpstreamError } from '../../core/errors.js';
import { retryAfterSeconds } from '../openai/map-error.js';
import type { ErrorContext } from '../types.js';

/** Anthropic error type → the status it comes with (for errors that arrive mid-stream, after a 200). */
const TYPE_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export const ANTHROPIC_OVERLOADED_STATUS = 529;

// Anthropic words spend-limit and credit exhaustion in the message; no retry or backoff helps.
const EXHAUSTED = /spend(ing)? limit|credit balance|usage limit|billing/i;

export interface AnthropicErrorObject {
  readonly type: string | null;
  readonly message: string | null;
}

/** The `error` object of an Anthropic error body (or of an `event: error` frame). */
export function readErrorObject(body: unknown): AnthropicErrorObject {
  const e = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['error'] : undefined;
  if (e === null || typeof e !== 'object') return { type: null, message: null };
  const { type, message } = e as Record<string, unknown>;
  return { type: typeof type === 'string' ? type : null, message: typeof message === 'string' && message !== '' ? message : null };
}

export function statusForErrorType(type: string | null): number {
  return (type !== null ? TYPE_STATUS[type] : undefined) ?? 500;
}

export function isRetryable(status: number, e: AnthropicErrorObject): boolean {
  if (e.type === 'billing_error') return false;
  if (status === 429 && e.message !== null && EXHAUSTED.test(e.message)) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function anthropicError(status: number, e: AnthropicErrorObject, fallbackMessage: string, retryAfter?: number): UpstreamError {
  return new UpstreamError({
    status,
    message: e.message ?? fallbackMessage,
    upstreamCode: e.type,
    type: e.type ?? undefined,
    retryable: isRetryable(status, e),
    retryAfterSeconds: retryAfter,
  });
}

export function mapAnthropicError(ctx: ErrorContext): UpstreamError {
  let e: AnthropicErrorObject = { type: null, message: null };
  let fallback = `Anthropic returned HTTP ${ctx.status}`;
  try {
    e = readErrorObject(JSON.parse(ctx.body));
  } catch {
    if (ctx.body.trim()) fallback = `${fallback}: ${ctx.body.trim().slice(0, 200)}`;
  }
  return anthropicError(ctx.status, e, fallback, retryAfterSeconds(ctx.headers, ctx.now));
}
