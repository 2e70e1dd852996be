// GatewayError → Anthropic's error shape (providers.md §4):
// {"type":"error","error":{"type","message"},"request_id"}, the error type chosen by HTTP status as
// Anthropic's SDKs expect it; the gateway's own stable code (and details) travel beside, in `error`.
import type { GatewayError } from '../../core/errors.js';

export function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function errorObject(err: GatewayError): Record<string, unknown> {
  return {
    ...err.details,
    type: anthropicErrorType(err.status),
    message: err.message,
    code: err.code,
    ...(err.param !== null ? { param: err.param } : {}),
  };
}

/** The body of an error response on the Anthropic wire. */
export function anthropicErrorBody(err: GatewayError, requestId: string): string {
  return JSON.stringify({ type: 'error', error: errorObject(err), request_id: requestId });
}

/** Anthropic's mid-stream error event (after a 200): no message_stop follows. */
export function anthropicStreamErrorFrame(err: GatewayError, requestId: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: errorObject(err), request_id: requestId })}\n\n`;
}
