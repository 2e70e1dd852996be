// Anthropic's error bodies and response headers (providers.md §4, §13):
// `{"type":"error","error":{"type","message"},"request_id"}`, with the error type each status carries —
// 529 `overloaded_error` included. `request_id` is null in bodies: the id travels in the `request-id`
// header (the shared error path mints it after the body is rendered).
import type { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

export function anthropicErrorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: null });
}

const SCRIPTED: Readonly<Record<number, readonly [type: string, message: string]>> = {
  400: ['invalid_request_error', 'Simulated bad request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'The requested resource could not be found.'],
  409: ['conflict_error', 'Conflict.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error.'],
  504: ['timeout_error', 'Request timed out.'],
  529: ['overloaded_error', 'Overloaded'],
};

/** The error type Anthropic uses for a status it has no specific type for. */
export function errorTypeFor(status: number): string {
  return SCRIPTED[status]?.[0] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    const [type, message] = SCRIPTED[status] ?? [errorTypeFor(status), `Simulated error with status ${status}.`];
    body = anthropicErrorBody(type, `${message} (simulated by tollgate mock)`);
    scriptedCache.set(status, body);
  }
  return body;
}

/** What Anthropic sends as `event: error` after a 200 (the usual mid-stream failure). */
export const ANTHROPIC_MID_STREAM_ERROR = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
export const ANTHROPIC_MID_STREAM_ERROR_FRAME = `event: error\ndata: ${ANTHROPIC_MID_STREAM_ERROR}\n\n`;

export const ANTHROPIC_WIRE: WireSpec = Object.freeze({
  staticHeaders: [
    'anthropic-organization-id', 'tollgate-mock',
    'anthropic-ratelimit-requests-limit', '4000',
    'anthropic-ratelimit-requests-remaining', '3999',
    'anthropic-ratelimit-requests-reset', '2026-01-01T00:00:00Z',
    'anthropic-ratelimit-tokens-limit', '2000000',
    'anthropic-ratelimit-tokens-remaining', '1999000',
    'anthropic-ratelimit-tokens-reset', '2026-01-01T00:00:00Z',
  ],
  requestIdHeader: 'request-id',
  scripted,
  invalid: (err: GatewayError) => anthropicErrorBody(err.status === 413 ? 'request_too_large' : errorTypeFor(err.status), err.message),
  own: (status: number, message: string) => anthropicErrorBody(errorTypeFor(status), message),
  midStreamError: ANTHROPIC_MID_STREAM_ERROR,
});
