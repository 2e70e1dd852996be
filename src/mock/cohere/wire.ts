// Cohere's error bodies and response headers (providers.md §9, §13): `{"message": "..."}` with the
// status (498 is Cohere's "invalid token", 499 "client closed"). Validation failures read
// "invalid request: …" as Cohere words them. A failure after a 200 is not an error body but the
// stream's own terminal event: a `message-end` whose delta carries `error` (chat-encode.ts).
import type { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

export function cohereErrorBody(message: string): string {
  return JSON.stringify({ message });
}

const SCRIPTED: Readonly<Record<number, string>> = {
  400: 'invalid request: simulated bad request.',
  401: 'invalid api token',
  402: 'Please add or update your payment method.',
  403: 'Forbidden.',
  404: 'model not found.',
  422: 'Unprocessable entity.',
  429: 'You have hit the rate limit for this API key. Please slow down your requests.',
  498: 'invalid api token',
  499: 'client closed request.',
  500: 'internal server error, this has been reported to our developers.',
  501: 'not implemented.',
  503: 'service unavailable, please try again later.',
  504: 'gateway timeout, the request took too long.',
};

const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    body = cohereErrorBody(`${SCRIPTED[status] ?? `simulated error with status ${status}.`} (simulated by tollgate mock)`);
    scriptedCache.set(status, body);
  }
  return body;
}

/** The data of the `message-end` that ends a stream broken by x-mock-error-after. */
export const COHERE_MID_STREAM_ERROR = JSON.stringify({
  type: 'message-end',
  delta: { error: 'internal server error, this has been reported to our developers.', finish_reason: 'ERROR' },
});
export const COHERE_MID_STREAM_ERROR_FRAME = `event: message-end\ndata: ${COHERE_MID_STREAM_ERROR}\n\n`;

export const COHERE_WIRE: WireSpec = Object.freeze({
  staticHeaders: [],
  requestIdHeader: 'x-debug-trace-id',
  scripted,
  invalid: (err: GatewayError) => cohereErrorBody(err.message),
  own: (_status: number, message: string) => cohereErrorBody(message),
  midStreamError: COHERE_MID_STREAM_ERROR,
});
