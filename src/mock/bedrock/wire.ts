// Bedrock's error shape and headers (providers.md §6, §13): the status, the exception name in
// `x-amzn-ErrorType` (as `Name:namespace`, the way Bedrock sends it), and a body of `{"message"}`.
// Every response carries `x-amzn-RequestId`.
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../../core/errors.js';
import type { WireSpec } from '../wire.js';

export const ERROR_TYPE_HEADER = 'x-amzn-ErrorType';
const NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

export function bedrockErrorBody(message: string): string {
  return JSON.stringify({ message });
}

/** The header pair naming an exception, e.g. ['x-amzn-ErrorType', 'ThrottlingException:http://…']. */
export function errorTypeHeader(exception: string): [string, string] {
  return [ERROR_TYPE_HEADER, `${exception}:${NAMESPACE}`];
}

const SCRIPTED: Readonly<Record<number, readonly [exception: string, message: string]>> = {
  400: ['ValidationException', 'The provided request is not valid.'],
  403: ['AccessDeniedException', "You don't have access to the model with the specified model ID."],
  404: ['ResourceNotFoundException', 'The requested resource could not be found.'],
  408: ['ModelTimeoutException', 'Model has timed out in processing the request. Try your request again.'],
  424: ['ModelErrorException', 'The model encountered an error processing the request.'],
  429: ['ThrottlingException', 'Too many requests, please wait before trying again.'],
  500: ['InternalServerException', 'The server encountered an internal error while processing the request.'],
  503: ['ServiceUnavailableException', 'Bedrock is unable to process your request.'],
};

/** The exception Bedrock names for a status it has no specific one for. */
export function exceptionFor(status: number): string {
  return SCRIPTED[status]?.[0] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

const scriptedCache = new Map<number, string>();

function scripted(status: number): string {
  let body = scriptedCache.get(status);
  if (body === undefined) {
    const message = SCRIPTED[status]?.[1] ?? `Simulated error with status ${status}.`;
    body = bedrockErrorBody(`${message} (simulated by tollgate mock)`);
    scriptedCache.set(status, body);
  }
  return body;
}

/** What a mid-stream modelStreamErrorException carries (x-mock-error-after). */
export const MID_STREAM_EXCEPTION = 'modelStreamErrorException';
export const MID_STREAM_ERROR = JSON.stringify({
  message: 'An error occurred while streaming the response. Retry your request. (simulated by tollgate mock)',
  originalStatusCode: 500,
  originalMessage: 'Internal server error',
});

export const BEDROCK_WIRE: WireSpec = Object.freeze({
  staticHeaders: [],
  requestIdHeader: 'x-amzn-RequestId',
  scripted,
  invalid: (err: GatewayError) => bedrockErrorBody(err.message),
  own: (_status: number, message: string) => bedrockErrorBody(message),
  midStreamError: MID_STREAM_ERROR,
});

function hasHeader(flat: readonly unknown[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (String(flat[i]).toLowerCase() === name) return true;
  return false;
}

/**
 * The shared engine (../inference.ts) writes scripted errors, barrier timeouts and bad fault headers
 * with the wire's static headers only, but Bedrock names every error in `x-amzn-ErrorType`. This
 * adds it — derived from the status — to any error response of this exchange that lacks it.
 */
export function tagErrorTypes(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: unknown) => ServerResponse;
  const tagged = (status: number, headers?: unknown): ServerResponse => {
    if (status >= 400 && Array.isArray(headers) && !hasHeader(headers, ERROR_TYPE_HEADER.toLowerCase())) {
      headers.push(...errorTypeHeader(exceptionFor(status)));
    }
    return writeHead(status, headers);
  };
  res.writeHead = tagged as ServerResponse['writeHead'];
}
