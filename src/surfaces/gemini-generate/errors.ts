// GatewayError → Google's error shape (providers.md §5, §13):
// {"error":{"code":<http status>,"message","status":"<google.rpc code name>","details":[…]}}.
// The gateway's stable code travels as a google.rpc.ErrorInfo `reason` (with our details, all as
// strings, in its metadata); a parameter error adds a google.rpc.BadRequest field violation, and a
// Retry-After a google.rpc.RetryInfo `retryDelay`, which Google's clients already read.
import type { GatewayError } from '../../core/errors.js';
import { dataFrame } from './frame.js';

const NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  422: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * The HTTP status a Gemini client sees: the gateway's own, except Anthropic's 529 (overloaded),
 * which Google's clients know as 503 UNAVAILABLE; other non-standard codes keep their class.
 */
export function geminiClientStatus(err: GatewayError): number {
  const s = err.status;
  if (s === 529) return 503;
  if (s > 511 && s < 600) return 502;
  if (s < 400 || s > 599) return 500;
  return s;
}

export function geminiStatusName(httpStatus: number): string {
  return NAMES[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

export interface GeminiErrorJson {
  readonly code: number;
  readonly message: string;
  readonly status: string;
  readonly details: readonly Record<string, unknown>[];
}

export function geminiErrorObject(err: GatewayError, requestId: string): GeminiErrorJson {
  const code = geminiClientStatus(err);
  const metadata: Record<string, string> = { request_id: requestId };
  for (const [k, v] of Object.entries(err.details)) {
    if (v === undefined || v === null) continue;
    metadata[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  if (err.param !== null) metadata['param'] = err.param;
  const details: Record<string, unknown>[] = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: err.code, domain: 'tollgate', metadata }];
  if (err.param !== null) details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: err.param, description: err.message }] });
  if (err.retryAfterSeconds !== undefined) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${err.retryAfterSeconds}s` });
  return { code, message: err.message, status: geminiStatusName(code), details };
}

/** The body of an error response on the Gemini wire (send it with geminiClientStatus). */
export function geminiErrorBody(err: GatewayError, requestId: string): string {
  return JSON.stringify({ error: geminiErrorObject(err, requestId) });
}

/**
 * Gemini's mid-stream failure: a data event holding the error object (Google's SDKs raise it as an
 * API error with its `code`); nothing follows it.
 */
export function geminiStreamErrorFrame(err: GatewayError, requestId: string): string {
  return dataFrame(geminiErrorBody(err, requestId));
}
