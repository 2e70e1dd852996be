// Canonical stream events → Gemini streamGenerateContent SSE (providers.md §5), for streams
// translated from another wire. One instance per client stream; every chunk is a whole
// GenerateContentResponse with the candidate's new parts.
//
// - Text and thoughts go out as they arrive, one part per chunk. A signature closes the open thought
//   (as the stream accumulator reads it); a signature with no thought open is Gemini's own kind and
//   goes where Gemini puts it: on the first function call, or on the final part.
// - Gemini sends function calls WHOLE (args an object), so a call's argument fragments are kept,
//   by OUR index (parallel calls never merge — R5), until its choice finishes: only then is every
//   call known complete, since a late fragment for an earlier call is allowed by the event
//   invariants. Each call is one chunk; the last one is held for the final chunk.
// - The final chunk, written by end() (usage arrives after the finish on most wires), carries each
//   candidate's finishReason and the last usageMetadata. It always holds a part (the held call, or
//   an empty text): the SDK's chat history drops a turn whose chunks have no parts.
// - A stream that did not complete, an error event, or an answer without a finish ends with an
//   error data event and no final chunk (R6); the SDK raises it. An answer that FINISHED in error
//   is a finish reason on this wire (OTHER, or the upstream's own Gemini word: finish-reason.ts).
import type { FinishReason } from '../../core/chat.js';
import { UpstreamError, type GatewayError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { functionCallPart } from './encode-response.js';
import { geminiStreamErrorFrame } from './errors.js';
import { geminiFinishReason } from './finish-reason.js';
import { dataFrame } from './frame.js';
import { geminiUsage } from './usage-json.js';

export interface GeminiStreamEncoderOptions {
  /** Put in error events, so the client can quote it. */
  readonly requestId: string;
  /** The `modelVersion` shown to the client (default: the one in the start event). */
  readonly model?: string;
  /** The `responseId` when the upstream sends no start event. */
  readonly id?: string;
}

type Part = Record<string, unknown>;

interface ChoiceState {
  readonly calls: Map<number, { id: string; name: string; arguments: string }>;
  finish?: { readonly reason: FinishReason; readonly providerReason: string | null };
  /** Thought text was sent and its signature has not come yet. */
  thoughtOpen: boolean;
  /** A signature that closes no thought, held for the first call or the final part. */
  signature?: string;
  /** The part the final chunk carries for this candidate. */
  last?: Part;
}

export class GeminiChunkEncoder {
  readonly #opts: GeminiStreamEncoderOptions;
  #id: string;
  #model: string;
  #sent = false;
  #closed = false;
  #usage: Usage | null = null;
  readonly #choices = new Map<number, ChoiceState>();

  constructor(opts: GeminiStreamEncoderOptions) {
    this.#opts = opts;
    this.#id = opts.id ?? `resp_${opts.requestId}`;
    this.#model = opts.model ?? '';
  }

  /** True once the stream has ended (final chunk or error event written). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The events for one canonical event ('' when it produces none). */
  push(ev: StreamEvent): string {
    if (this.#closed) return '';
    switch (ev.type) {
      case 'start':
        // Every chunk of a stream has the same id and model: only before the first one.
        if (!this.#sent) {
          this.#id = ev.id || this.#id;
          if (this.#opts.model === undefined) this.#model = ev.model;
        }
        return '';
      case 'usage':
        this.#usage = ev.usage;
        return '';
      case 'error':
        return this.fail(ev.error);
      default:
        break;
    }
    const s = this.#state(ev.choice);
    if (s.finish !== undefined) return '';
    switch (ev.type) {
      case 'text-delta':
        return ev.text === '' ? '' : this.#chunk(ev.choice, { text: ev.text });
      case 'reasoning-delta':
        return this.#reasoning(ev.choice, s, ev.text, ev.signature, ev.redacted);
      case 'tool-call-start':
        if (!s.calls.has(ev.index)) s.calls.set(ev.index, { id: ev.id, name: ev.name, arguments: '' });
        return '';
      case 'tool-call-delta': {
        const call = s.calls.get(ev.index);
        if (call !== undefined) call.arguments += ev.argumentsDelta;
        return '';
      }
      case 'finish':
        return this.#finish(ev.choice, s, { reason: ev.reason, providerReason: ev.providerReason });
    }
  }

  /** The upstream stream completed: the final chunk — or an error if an answer never finished. */
  end(): string {
    if (this.#closed) return '';
    const states = [...this.#choices.entries()].sort(([a], [b]) => a - b);
    if (states.length === 0 || states.some(([, s]) => s.finish === undefined)) {
      return this.fail(new UpstreamError({ status: 502, message: 'The upstream stream ended without a finish reason', upstreamCode: 'protocol_error', retryable: false }));
    }
    const candidates = states.map(([index, s]) => ({
      content: { role: 'model', parts: [s.last ?? { text: '' }] },
      finishReason: geminiFinishReason({ finishReason: s.finish?.reason ?? null, providerFinishReason: s.finish?.providerReason ?? null }),
      index,
    }));
    const out = this.#frame({ candidates, ...(this.#usage !== null ? { usageMetadata: geminiUsage(this.#usage) } : {}) });
    this.#closed = true;
    return out;
  }

  /** The error event that ends a failed stream (nothing follows it). */
  fail(err: GatewayError): string {
    if (this.#closed) return '';
    this.#closed = true;
    return geminiStreamErrorFrame(err, this.#opts.requestId);
  }

  #state(choice: number): ChoiceState {
    let s = this.#choices.get(choice);
    if (s === undefined) {
      s = { calls: new Map(), thoughtOpen: false };
      this.#choices.set(choice, s);
    }
    return s;
  }

  #reasoning(choice: number, s: ChoiceState, text: string, signature: string | undefined, redacted: string | undefined): string {
    // Redacted (encrypted Anthropic) thinking has no Gemini form.
    if (redacted !== undefined) return '';
    const sig = signature !== undefined ? { thoughtSignature: signature } : {};
    if (text !== '') {
      s.thoughtOpen = signature === undefined;
      return this.#chunk(choice, { text, thought: true, ...sig });
    }
    if (signature === undefined) return '';
    if (s.thoughtOpen) {
      s.thoughtOpen = false;
      return this.#chunk(choice, { text: '', thought: true, ...sig });
    }
    if (s.signature === undefined) {
      s.signature = signature;
      return '';
    }
    return this.#chunk(choice, { text: '', ...sig });
  }

  #finish(choice: number, s: ChoiceState, finish: NonNullable<ChoiceState['finish']>): string {
    const calls = [...s.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    let parts: Part[];
    try {
      parts = calls.map((c) => functionCallPart(c));
    } catch (err) {
      return this.fail(err as GatewayError);
    }
    if (s.signature !== undefined) {
      const first = parts[0];
      if (first !== undefined) first['thoughtSignature'] = s.signature;
      else parts.push({ text: '', thoughtSignature: s.signature });
    }
    s.finish = finish;
    s.last = parts.pop();
    return parts.map((p) => this.#chunk(choice, p)).join('');
  }

  #chunk(choice: number, part: Part): string {
    return this.#frame({ candidates: [{ content: { role: 'model', parts: [part] }, index: choice }] });
  }

  #frame(body: Record<string, unknown>): string {
    this.#sent = true;
    return dataFrame(JSON.stringify({ ...body, modelVersion: this.#model, responseId: this.#id }));
  }
}
