// A non-streamed Gemini GenerateContentResponse → canonical ChatResponse: the candidates are read by
// the same code as a stream's chunks (candidate-events.ts) and folded. A body that is no response,
// an error object, or a blocked prompt (no candidates, promptFeedback.blockReason) is an error —
// never an empty success.
import type { ChatResponse } from '../../core/chat.js';
import { UpstreamError, UpstreamUnavailableError } from '../../core/errors.js';
import { StreamAccumulator, type StreamEvent } from '../../core/stream-event.js';
import { CandidateEvents } from './candidate-events.js';
import { googleError, readGoogleError, statusOf } from './map-error.js';
import { usageFromGemini } from './usage.js';
import type { GeminiResponseBody } from './wire-types.js';

export interface DecodeContext {
  /** ms since the epoch: Gemini AI Studio responses carry no timestamp; `created` is when we received it. */
  readonly now: number;
}

export function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Gemini sent ${what}`);
}

/** A prompt Gemini refused to answer: the client's input, so a 400 that no retry changes. */
export function promptBlockedError(reason: string, message: unknown): UpstreamError {
  const why = typeof message === 'string' && message !== '' ? `: ${message}` : '';
  return new UpstreamError({
    status: 400,
    message: `Gemini blocked the prompt (blockReason ${reason})${why}`,
    upstreamCode: 'content_blocked',
    retryable: false,
  });
}

/** The block reason of a response without candidates, if it is one. */
export function blockReason(body: GeminiResponseBody): string | undefined {
  const candidates = body.candidates;
  if (Array.isArray(candidates) && candidates.length > 0) return undefined;
  const r = body.promptFeedback?.blockReason;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function decodeGeminiResponse(body: string, ctx: DecodeContext): ChatResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw protocolError('a response that is not a GenerateContentResponse');
  const r = parsed as GeminiResponseBody;
  const err = readGoogleError(r);
  if (err !== undefined) {
    const status = statusOf(err);
    throw googleError(status, err, `Gemini returned an error with HTTP 200 (${status})`);
  }
  const blocked = blockReason(r);
  if (blocked !== undefined) throw promptBlockedError(blocked, r.promptFeedback?.blockReasonMessage);
  if (!Array.isArray(r.candidates) || r.candidates.length === 0) throw protocolError('a response without candidates or a block reason');

  const id = str(r.responseId);
  const reader = new CandidateEvents();
  const events: StreamEvent[] = [{ type: 'start', id, model: str(r.modelVersion), created: Math.floor(ctx.now / 1000) }];
  (r.candidates as unknown[]).forEach((c, i) => events.push(...reader.candidate(c, i, id)));
  const usage = usageFromGemini(r.usageMetadata);
  if (usage !== null) events.push({ type: 'usage', usage });
  return new StreamAccumulator().addAll(events).response();
}
