// Azure OpenAI's error bodies and headers. Gateway-level failures (auth, throttling, missing
// api-version) come as `{"error":{"code","message"}}` with string codes such as "429"; request
// validation errors from the model service keep OpenAI's shape (providers.md §7).

import type { GatewayError } from '../../core/errors.js';
import { OPENAI_MID_STREAM_ERROR, openaiErrorBody } from '../openai/wire.js';
import type { WireSpec } from '../wire.js';

export function azureErrorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

const SCRIPTED_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Access denied due to invalid subscription key or wrong API endpoint.',
  404: 'The API deployment for this resource does not exist.',
  408: 'The operation was timeout.',
  429:
    'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded ' +
    'call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.',
  500: 'The server had an error while processing your request. Sorry about that!',
  503: 'The service is temporarily unable to process your request. Please try again later.',
};

const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    const message = SCRIPTED_MESSAGES[status] ?? `Simulated error with status ${status}.`;
    body = azureErrorBody(String(status), `${message} (simulated by tollgate mock)`);
    scriptedCache.set(status, body);
  }
  return body;
}

export const AZURE_UNAUTHORIZED = azureErrorBody(
  '401',
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an ' +
    'active subscription and use a correct regional API endpoint for your resource.',
);

export const AZURE_MISSING_API_VERSION = azureErrorBody(
  'MissingApiVersionParameter',
  'The api-version query parameter (?api-version=) is required for all requests.',
);

export const AZURE_NOT_FOUND = azureErrorBody('404', 'Resource not found');

export const AZURE_WIRE: WireSpec = Object.freeze({
  // A plain array on purpose: slicing a frozen array is ~20x slower, and this is sliced per response.
  staticHeaders: [
    'x-ms-region', 'East US',
    'x-ratelimit-remaining-requests', '9999',
    'x-ratelimit-remaining-tokens', '9999000',
  ],
  requestIdHeader: 'apim-request-id',
  scripted,
  invalid: (err: GatewayError) => openaiErrorBody(err.message, 'invalid_request_error', err.param, err.code),
  own: (status: number, message: string, code: string | null) => azureErrorBody(code ?? String(status), message),
  midStreamError: OPENAI_MID_STREAM_ERROR,
});
