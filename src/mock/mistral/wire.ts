// Mistral's error bodies and response headers (providers.md §8, §13):
// `{"object":"error","message","type","param","code"}`. Schema failures are 422 with `message`
// holding pydantic's `{"detail":[{type, loc, msg, input}]}` (`extra_forbidden` for any field Mistral
// does not take — `stream_options`, `logprobs`, `user`, a user message's `name`…); rule failures
// (tool-call ids, tool pairing, the last role) are 400 with a sentence. The request id travels in
// `mistral-correlation-id`.
import { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

export function mistralErrorBody(message: unknown, type: string, code: string | null = null): string {
  return JSON.stringify({ object: 'error', message, type, param: null, code });
}

/** A request Mistral itself rejects; `body` is the exact error body. */
export class MistralRejection extends GatewayError {
  readonly body: string;
  constructor(status: 400 | 422, message: string, body: string) {
    super('mistral_rejected', status, message);
    this.body = body;
  }
}

/** A 422 as pydantic reports it; `loc` is below `body`. */
export function invalidField(type: string, loc: readonly (string | number)[], msg: string, input: unknown = null): MistralRejection {
  const detail = [{ type, loc: ['body', ...loc], msg, input: input === undefined ? null : input }];
  return new MistralRejection(422, `${loc.join('.')}: ${msg}`, mistralErrorBody({ detail }, 'invalid_request_error'));
}

export function extraForbidden(loc: readonly (string | number)[], input: unknown): MistralRejection {
  return invalidField('extra_forbidden', loc, 'Extra inputs are not permitted', input);
}

/** A 400 for a rule (not a schema) the request breaks. */
export function invalidRequest(message: string, type = 'invalid_request_message_error', code: string | null = null): MistralRejection {
  return new MistralRejection(400, message, mistralErrorBody(message, type, code));
}

const SCRIPTED: Readonly<Record<number, readonly [type: string, message: string]>> = {
  400: ['invalid_request_error', 'Simulated bad request.'],
  401: ['authentication_error', 'Unauthorized'],
  403: ['permission_error', 'Forbidden'],
  404: ['not_found_error', 'Invalid model'],
  408: ['timeout_error', 'Request timed out'],
  422: ['invalid_request_error', 'Unprocessable entity'],
  429: ['rate_limited', 'Requests rate limit exceeded'],
  500: ['internal_server_error', 'Internal server error'],
  502: ['bad_gateway', 'Bad gateway'],
  503: ['service_unavailable', 'Service unavailable'],
  504: ['gateway_timeout', 'Gateway timeout'],
};

const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    const [type, message] = SCRIPTED[status] ?? [status >= 500 ? 'internal_server_error' : 'invalid_request_error', `Simulated error with status ${status}.`];
    body = mistralErrorBody(`${message} (simulated by tollgate mock)`, type);
    scriptedCache.set(status, body);
  }
  return body;
}

/** What the simulator sends as `data: …` when a stream fails after a 200 (x-mock-error-after). */
export const MISTRAL_MID_STREAM_ERROR = mistralErrorBody('Internal server error', 'internal_server_error');
export const MISTRAL_MID_STREAM_ERROR_FRAME = `data: ${MISTRAL_MID_STREAM_ERROR}\n\n`;

export const MISTRAL_WIRE: WireSpec = Object.freeze({
  staticHeaders: [],
  requestIdHeader: 'mistral-correlation-id',
  scripted,
  invalid: (err: GatewayError) => (err instanceof MistralRejection ? err.body : mistralErrorBody(err.message, 'invalid_request_error', err.code)),
  own: (status: number, message: string, code: string | null) => mistralErrorBody(message, status >= 500 ? 'internal_server_error' : 'invalid_request_error', code),
  midStreamError: MISTRAL_MID_STREAM_ERROR,
});
