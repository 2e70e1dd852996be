// One error response in the client's wire, with the receipt headers that apply and Retry-After.
import type { Wire } from '../core/chat.js';
import type { GatewayError } from '../core/errors.js';
import { clientWire } from './client-wire.js';
import { receiptHeaders, type Receipt } from './receipt.js';
import type { ResponseSink } from './response-sink.js';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function sendError(requestId: string, sink: ResponseSink, e: GatewayError, receipt: Receipt = {}, wire: Wire = 'openai-chat'): void {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...receiptHeaders(receipt) };
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
  const w = clientWire(wire);
  sink.send(w.errorStatus(e), headers, w.errorBody(e, requestId));
}
