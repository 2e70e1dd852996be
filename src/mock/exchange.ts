// One request/response pair as the route handlers see it, and the two ways they answer it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { writeJson } from './http-io.js';
import type { MockState } from './state.js';
import type { WireSpec } from './wire.js';

export interface Exchange {
  readonly state: MockState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  /** The raw query string without '?', '' when absent. */
  readonly query: string;
  readonly body: string;
  /** Date.now() when the request arrived, for openai-processing-ms. */
  readonly started: number;
}

/** The provider's standard headers plus a fresh request id; callers append their own. */
export function baseHeaders(ex: Exchange, wire: WireSpec): string[] {
  const headers = wire.staticHeaders.slice();
  headers.push(
    wire.requestIdHeader,
    ex.state.ids.next('req_'),
    'openai-processing-ms',
    String(Date.now() - ex.started),
  );
  return headers;
}

/** Sends an error response in the wire's shape and counts it. */
export function replyError(
  ex: Exchange,
  wire: WireSpec,
  status: number,
  body: string,
  extraHeaders: readonly string[] = [],
): void {
  ex.state.ledger.noteError();
  const headers = baseHeaders(ex, wire);
  for (const h of extraHeaders) headers.push(h);
  writeJson(ex.res, status, body, headers);
}

/** Answers a request the provider rejects on its own (bad JSON, missing field); rethrows anything else. */
export function replyRejected(ex: Exchange, wire: WireSpec, err: unknown): void {
  if (!(err instanceof GatewayError)) throw err;
  replyError(ex, wire, err.status, wire.invalid(err));
}
