// POST /v1/messages — Anthropic's Messages API. Like the real one, it demands a key — `x-api-key`, or
// `Authorization: Bearer` (what recent official SDKs send) — any value, or the configured key with
// requireKey; and `anthropic-version` (any value: clients send 2023-06-01 and newer). Errors come in
// Anthropic's shape. Faults, barrier, latency and the bill are the shared engine's (../inference.ts).
import { GatewayError } from '../../core/errors.js';
import { replyError, replyRejected, type Exchange } from '../exchange.js';
import { serveInference } from '../inference.js';
import { answerMessages } from './messages-answer.js';
import { parseMessagesBody, type MessagesCall } from './messages-request.js';
import { cacheWriteTokens } from './usage.js';
import { ANTHROPIC_WIRE, anthropicErrorBody } from './wire.js';

export const MESSAGES_PATH = '/v1/messages';

const NO_KEY = anthropicErrorBody('authentication_error', 'x-api-key header is required');
const BEARER = 'Bearer ';
const BAD_KEY = anthropicErrorBody('authentication_error', 'invalid x-api-key');
const NO_VERSION = anthropicErrorBody('invalid_request_error', 'anthropic-version: header is required');

function header(ex: Exchange, name: string): string | undefined {
  const v = ex.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function handleMessages(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  const auth = header(ex, 'authorization');
  const key = header(ex, 'x-api-key') ?? (auth?.startsWith(BEARER) ? auth.slice(BEARER.length) : undefined);
  // Never echoes the key it got.
  if (key === undefined || key === '') return replyError(ex, ANTHROPIC_WIRE, 401, NO_KEY);
  if (ex.state.requireKey !== undefined && key !== ex.state.requireKey) return replyError(ex, ANTHROPIC_WIRE, 401, BAD_KEY);
  if (!header(ex, 'anthropic-version')) return replyError(ex, ANTHROPIC_WIRE, 400, NO_VERSION);
  let call: MessagesCall;
  let cacheWrite: number;
  try {
    call = parseMessagesBody(ex.body);
    cacheWrite = cacheWriteTokens(ex.req.headers);
  } catch (err) {
    if (err instanceof GatewayError) return replyRejected(ex, ANTHROPIC_WIRE, err);
    throw err;
  }
  ex.state.seenModels.add(call.model);
  await serveInference(ex, ANTHROPIC_WIRE, { model: call.model, deployment: undefined }, (faults, headers) =>
    answerMessages(ex, call, faults, headers, cacheWrite),
  );
}
