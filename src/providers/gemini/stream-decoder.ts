// Gemini `streamGenerateContent?alt=sse` (providers.md §5) → canonical stream events. One instance per
// attempt. Each `data:` event is a whole GenerateContentResponse; there are no event names and no
// [DONE]: the last chunk carries finishReason and the connection close ends the stream.
//
// - `completed` becomes true at end() — the body ended cleanly — and only if every candidate sent its
//   finishReason: a stream cut before it is incomplete (R6). A `{"error":…}` chunk (Gemini can fail after a 200)
//   or a blocked prompt is an error event, after which nothing more is emitted.
// - usageMetadata rides on the chunks and the last one wins; a `usage` event is sent when it changes.
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { CandidateEvents } from './candidate-events.js';
import { blockReason, promptBlockedError, str } from './decode-response.js';
import { googleError, readGoogleError, statusOf } from './map-error.js';
import { usageFromGemini } from './usage.js';
import type { GeminiResponseBody } from './wire-types.js';

export interface StreamDecoderContext {
  /** ms since the epoch; AI Studio chunks carry no timestamp, so `created` is when the stream began. */
  readonly now: number;
}

function protocolError(what: string): UpstreamError {
  return new UpstreamError({ status: 502, message: `Gemini sent ${what}`, upstreamCode: 'protocol_error', retryable: false });
}

function sameUsage(a: Usage | null, b: Usage): boolean {
  return (
    a !== null &&
    a.inputTokens === b.inputTokens &&
    a.cachedInputTokens === b.cachedInputTokens &&
    a.outputTokens === b.outputTokens &&
    a.reasoningTokens === b.reasoningTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens
  );
}

export class GeminiStreamDecoder implements StreamEventDecoder {
  readonly #sse = new SseDecoder();
  readonly #created: number;
  readonly #candidates = new CandidateEvents();
  #started = false;
  #failed = false;
  #completed = false;
  #usage: Usage | null = null;

  constructor(ctx: StreamDecoderContext) {
    this.#created = Math.floor(ctx.now / 1000);
  }

  push(bytes: Uint8Array): StreamEvent[] {
    return this.#all(this.#sse.push(bytes));
  }

  end(): StreamEvent[] {
    const out = this.#all(this.#sse.end());
    if (!this.#failed && this.#candidates.allFinished) this.#completed = true;
    return out;
  }

  get completed(): boolean {
    return this.#completed;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  /** True once an error event was emitted (for the frame classifier). */
  get failed(): boolean {
    return this.#failed;
  }

  #all(events: readonly SseEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const ev of events) for (const e of this.decodeEvent(ev)) out.push(e);
    return out;
  }

  /** One SSE event → canonical events. Public for the same-wire frame classifier below. */
  decodeEvent(ev: SseEvent): StreamEvent[] {
    if (this.#failed || ev.comment || ev.data.trim() === '') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(ev.data);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return this.#fail(protocolError('a stream chunk that is not a JSON object'));
    const chunk = parsed as GeminiResponseBody;
    const err = readGoogleError(chunk);
    if (err !== undefined) {
      const status = statusOf(err);
      return this.#fail(googleError(status, err, `Gemini failed mid-stream (${status})`));
    }
    const blocked = blockReason(chunk);
    if (blocked !== undefined) return this.#fail(promptBlockedError(blocked, chunk.promptFeedback?.blockReasonMessage));

    const out: StreamEvent[] = [];
    const id = str(chunk.responseId);
    if (!this.#started) {
      this.#started = true;
      out.push({ type: 'start', id, model: str(chunk.modelVersion), created: this.#created });
    }
    if (Array.isArray(chunk.candidates)) chunk.candidates.forEach((c: unknown, i: number) => out.push(...this.#candidates.candidate(c, i, id)));
    const usage = usageFromGemini(chunk.usageMetadata);
    if (usage !== null && !sameUsage(this.#usage, usage)) {
      this.#usage = usage;
      out.push({ type: 'usage', usage });
    }
    return out;
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }
}

/**
 * The same stream classified frame by frame with each frame's exact bytes, for a future same-wire
 * relay (a Gemini client to a Gemini deployment). Gemini has no terminator frame: when the body ends
 * cleanly after a finishReason, end() reports `done` with no bytes of its own.
 */
export class GeminiFrameDecoder implements StreamDecoder {
  readonly #sse = new SseDecoder();
  readonly #events = new GeminiStreamDecoder({ now: 0 });

  push(bytes: Uint8Array): StreamFrame[] {
    return this.#sse.push(bytes).map((ev) => this.#classify(ev));
  }

  end(): StreamFrame[] {
    const frames = this.#sse.end().map((ev) => this.#classify(ev));
    this.#events.end();
    if (this.#events.completed) frames.push({ kind: 'done', raw: '' });
    return frames;
  }

  #classify(ev: SseEvent): StreamFrame {
    if (ev.comment || this.#events.failed) return { kind: 'ignored', raw: ev.raw };
    const events = this.#events.decodeEvent(ev);
    const error = events.find((e): e is Extract<StreamEvent, { type: 'error' }> => e.type === 'error');
    if (error !== undefined) return { kind: 'error', raw: ev.raw, error: error.error };
    const usage = events.find((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage');
    return {
      kind: 'chunk',
      raw: ev.raw,
      finished: events.some((e) => e.type === 'finish'),
      hasOutput: events.some((e) => e.type === 'text-delta' || e.type === 'tool-call-start' || e.type === 'tool-call-delta' || e.type === 'reasoning-delta'),
      usage: usage !== undefined ? usage.usage : null,
    };
  }
}
