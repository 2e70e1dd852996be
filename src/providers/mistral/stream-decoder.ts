// Mistral chat SSE (providers.md §8) → canonical stream events. One instance per attempt; all state
// lives here. OpenAI-like data-only chunks ending with `data: [DONE]`, with Mistral's differences:
// - delta `content` may be an ARRAY of thinking and text chunks (content.ts) → reasoning and text;
// - a tool call arrives whole in one chunk (id, name and arguments together), under an `index`
//   that Mistral may repeat for parallel calls: a new id at a known index starts a new call, and
//   every call is numbered by OUR counter (R5); fragments without an id continue their index's call;
// - usage rides on the last chunk (no stream_options); the last one seen wins;
// - `[DONE]` is the terminator: only then is `completed` true. A stream cut before it, or carrying
//   an error chunk (`{"object":"error",…}` or `{"error":…}`), is incomplete (R6).
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { TranslationContext } from '../types.js';
import { readContent } from './content.js';
import { finishFromMistral } from './finish-reason.js';
import { isRetryable, readErrorFields } from './map-error.js';
import { usageFromMistral } from './usage.js';
import { type Json, obj, str, argumentsText } from '../shared/json-fields.js';

interface ChoiceState {
  /** Mistral's tool index → our call. */
  readonly calls: Map<number, { readonly index: number; readonly id: string }>;
  next: number;
  finished: boolean;
}

export class MistralStreamDecoder implements StreamEventDecoder {
  readonly #sse = new SseDecoder();
  readonly #created: number;
  readonly #choices = new Map<number, ChoiceState>();
  #started = false;
  #completed = false;
  #failed = false;
  #usage: Usage | null = null;

  constructor(ctx: TranslationContext) {
    this.#created = Math.floor(ctx.now / 1000);
  }

  push(bytes: Uint8Array): StreamEvent[] {
    return this.#all(this.#sse.push(bytes));
  }

  end(): StreamEvent[] {
    return this.#all(this.#sse.end());
  }

  get completed(): boolean {
    return this.#completed;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  #all(events: readonly SseEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const ev of events) for (const e of this.decodeEvent(ev)) out.push(e);
    return out;
  }

  /** One SSE event → canonical events. Public for the frame classifier (frame-decoder.ts). */
  decodeEvent(ev: SseEvent): StreamEvent[] {
    if (this.#completed || this.#failed || ev.comment) return [];
    if (ev.data === '[DONE]') {
      this.#completed = true;
      return [];
    }
    let chunk: Json | undefined;
    try {
      chunk = obj(JSON.parse(ev.data));
    } catch {
      chunk = undefined;
    }
    if (chunk === undefined) return this.#fail(protocolError('an unparseable stream event'));
    if (chunk['object'] === 'error' || (chunk['error'] !== undefined && chunk['error'] !== null)) return this.#fail(midStreamError(chunk));

    const out: StreamEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({ type: 'start', id: str(chunk['id']) ?? '', model: str(chunk['model']) ?? '', created: this.#created });
    }
    const choices = Array.isArray(chunk['choices']) ? (chunk['choices'] as unknown[]) : [];
    choices.forEach((raw, k) => {
      const c = obj(raw);
      if (c !== undefined) this.#choice(c, k, out);
    });
    const usage = chunk['usage'] !== undefined && chunk['usage'] !== null ? usageFromMistral(chunk['usage']) : null;
    if (usage !== null) {
      this.#usage = usage;
      out.push({ type: 'usage', usage });
    }
    return out;
  }

  #state(choice: number): ChoiceState {
    let s = this.#choices.get(choice);
    if (s === undefined) {
      s = { calls: new Map(), next: 0, finished: false };
      this.#choices.set(choice, s);
    }
    return s;
  }

  #choice(c: Json, k: number, out: StreamEvent[]): void {
    const choice = typeof c['index'] === 'number' ? c['index'] : k;
    const s = this.#state(choice);
    const d = obj(c['delta']) ?? {};
    const { text, thinking } = readContent(d['content']);
    for (const t of thinking) {
      if (t.text !== '') out.push({ type: 'reasoning-delta', choice, text: t.text });
      if (t.signature !== undefined) out.push({ type: 'reasoning-delta', choice, text: '', signature: t.signature });
    }
    if (text !== '') out.push({ type: 'text-delta', choice, text });
    if (Array.isArray(d['tool_calls'])) {
      (d['tool_calls'] as unknown[]).forEach((raw, j) => {
        const tc = obj(raw);
        if (tc !== undefined) this.#toolCall(s, choice, tc, j, out);
      });
    }
    const fr = str(c['finish_reason']);
    if (fr !== undefined && fr !== '' && !s.finished) {
      s.finished = true;
      out.push({ type: 'finish', choice, reason: finishFromMistral(fr), providerReason: fr });
    }
  }

  #toolCall(s: ChoiceState, choice: number, tc: Json, position: number, out: StreamEvent[]): void {
    const key = typeof tc['index'] === 'number' ? tc['index'] : position;
    const fn = obj(tc['function']) ?? {};
    const id = str(tc['id']);
    let call = s.calls.get(key);
    const named = id !== undefined && id !== '';
    if (call === undefined || (named && id !== call.id)) {
      const index = s.next++;
      call = { index, id: named ? id : `call_${choice}_${index}` };
      s.calls.set(key, call);
      out.push({ type: 'tool-call-start', choice, index, id: call.id, name: str(fn['name']) ?? '' });
    }
    const args = argumentsText(fn['arguments']);
    if (args !== '') out.push({ type: 'tool-call-delta', choice, index: call.index, argumentsDelta: args });
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }
}

function protocolError(what: string): UpstreamError {
  return new UpstreamError({ status: 502, message: `Mistral sent ${what}`, upstreamCode: 'protocol_error', retryable: false });
}

/** An error chunk after a 200: a server-side failure of the generation. */
function midStreamError(chunk: Json): UpstreamError {
  const f = readErrorFields(chunk);
  return new UpstreamError({
    status: 500,
    message: `Mistral error mid-stream: ${f.message ?? 'unknown error'}`,
    upstreamCode: f.code ?? f.type,
    type: 'api_error',
    retryable: isRetryable(500, f),
  });
}
