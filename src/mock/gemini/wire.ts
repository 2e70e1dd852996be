// Google's error bodies and response headers (providers.md §5, §13), shared by AI Studio and Vertex:
// `{"error":{"code","message","status","details"?}}`, pretty-printed as Google's front end sends them,
// with the google.rpc.Code name each status carries (503 UNAVAILABLE is "overloaded"). A request the
// API rejects for a named field carries a BadRequest detail naming it. A scripted 429 carries a
// QuotaFailure and — when the request scripted a delay in seconds — the RetryInfo Gemini clients read.
import type { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

const SCRIPTED: Readonly<Record<number, readonly [status: string, message: string]>> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  409: ['ABORTED', 'The operation was aborted.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  499: ['CANCELLED', 'The operation was cancelled.'],
  500: ['INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  501: ['UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

/** The google.rpc.Code name Google sends with an HTTP status. */
export function statusName(code: number): string {
  return SCRIPTED[code]?.[0] ?? (code >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION');
}

export function googleErrorBody(code: number, message: string, details?: readonly unknown[]): string {
  const error = { code, message, status: statusName(code), ...(details !== undefined && details.length > 0 ? { details } : {}) };
  return JSON.stringify({ error }, null, 2);
}

export function badRequestDetail(field: string, description: string): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] };
}

function quotaDetails(retryDelaySeconds: number | undefined): unknown[] {
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaValue: '1000' }],
    },
  ];
  if (retryDelaySeconds !== undefined) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` });
  return details;
}

function scripted(code: number, retryDelaySeconds?: number): string {
  const [, message] = SCRIPTED[code] ?? [statusName(code), `Simulated error with status ${code}.`];
  return googleErrorBody(code, `${message} (simulated by tollgate mock)`, code === 429 ? quotaDetails(retryDelaySeconds) : undefined);
}

/** What Gemini sends as a `data:` chunk (or array element) when a stream fails after its 200. */
export const GEMINI_MID_STREAM_ERROR = JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
export const GEMINI_MID_STREAM_ERROR_FRAME = `data: ${GEMINI_MID_STREAM_ERROR}\n\n`;

function invalid(err: GatewayError): string {
  const code = err.status === 413 ? 400 : err.status;
  return googleErrorBody(code, err.message, err.param !== null ? [badRequestDetail(err.param, err.message)] : undefined);
}

function spec(retryDelaySeconds: number | undefined): WireSpec {
  return Object.freeze({
    staticHeaders: [
      'server', 'scaffolding on HTTPServer2',
      'vary', 'Origin, X-Origin, Referer',
      'x-xss-protection', '0',
      'x-frame-options', 'SAMEORIGIN',
      'x-content-type-options', 'nosniff',
    ],
    // Google sends no request id header on these APIs; the simulator's own, for its logs.
    requestIdHeader: 'x-mock-request-id',
    scripted: (code: number) => scripted(code, retryDelaySeconds),
    invalid,
    own: (code: number, message: string) => googleErrorBody(code, message),
    midStreamError: GEMINI_MID_STREAM_ERROR,
  });
}

export const GEMINI_WIRE: WireSpec = spec(undefined);

/**
 * The wire for one request: when it scripts `x-mock-retry-after` in whole seconds, a scripted 429 says
 * so in RetryInfo too, as Gemini does (the header is sent as well by the shared engine).
 */
export function geminiWireFor(retryAfterHeader: string | string[] | undefined): WireSpec {
  const v = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
  return v !== undefined && /^\d+$/.test(v.trim()) ? spec(Number(v.trim())) : GEMINI_WIRE;
}
