// OpenAI's error bodies and response headers: `{"error":{"message","type","param","code"}}`, with the
// type/code pairs the API uses for each status (providers.md §1, §13).

import type { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

export function openaiErrorBody(message: string, type: string, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

interface Scripted {
  readonly message: string;
  readonly type: string;
  readonly code: string | null;
}

const SCRIPTED: Readonly<Record<number, Scripted>> = {
  400: { message: 'Simulated bad request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { message: 'You are not allowed to access this resource.', type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
  408: { message: 'Request timed out.', type: 'timeout', code: null },
  409: { message: 'Conflict: another request is using this resource.', type: 'invalid_request_error', code: null },
  422: { message: 'Unprocessable request.', type: 'invalid_request_error', code: null },
  429: { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', code: 'rate_limit_exceeded' },
  500: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null },
  502: { message: 'Bad gateway.', type: 'server_error', code: null },
  503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null },
  504: { message: 'Gateway timeout.', type: 'server_error', code: null },
};

/** Rendered once per status: scripted errors are hot in retry and breaker tests. */
const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    const s = SCRIPTED[status] ?? {
      message: `Simulated error with status ${status}.`,
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: null,
    };
    body = openaiErrorBody(`${s.message} (simulated by tollgate mock)`, s.type, null, s.code);
    scriptedCache.set(status, body);
  }
  return body;
}

export const OPENAI_MID_STREAM_ERROR = openaiErrorBody(
  'The server had an error while processing your request. Sorry about that!',
  'server_error',
  null,
  null,
);

export const OPENAI_WIRE: WireSpec = Object.freeze({
  // A plain array on purpose: slicing a frozen array is ~20x slower, and this is sliced per response.
  staticHeaders: [
    'openai-version', '2020-10-01',
    'openai-organization', 'tollgate-mock',
    'x-ratelimit-limit-requests', '10000',
    'x-ratelimit-limit-tokens', '10000000',
    'x-ratelimit-remaining-requests', '9999',
    'x-ratelimit-remaining-tokens', '9999000',
    'x-ratelimit-reset-requests', '6ms',
    'x-ratelimit-reset-tokens', '6ms',
  ],
  requestIdHeader: 'x-request-id',
  scripted,
  invalid: (err: GatewayError) => openaiErrorBody(err.message, 'invalid_request_error', err.param, err.code),
  own: (status: number, message: string, code: string | null) =>
    openaiErrorBody(message, status >= 500 ? 'server_error' : 'invalid_request_error', null, code),
  midStreamError: OPENAI_MID_STREAM_ERROR,
});
