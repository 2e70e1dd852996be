// OpenAI chat-completion SSE (providers.md §1) → canonical stream events, for streams that go back
// to a client on another wire. One instance per attempt; all state lives here.
//
// - Tool calls stream by index: a fragment with an index not seen before (or an id different from
//   the call at that index — some compatible servers reuse index 0 for parallel calls) starts a new
//   call, numbered by OUR counter per choice; later fragments go to it by the provider's index (R5).
// - `usage` (the include_usage chunk, or usage on any chunk) is cumulative: the last one wins.
// - `[DONE]` is the terminator: only then is `completed` true. A stream cut before it, or carrying
//   `data: {"error":…}`, is incomplete (R6).
import type { FinishReason } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { TranslationContext } from '../types.js';
import { finishFromOpenAi } from './finish-reason.js';
import { usageFromOpenAi } from './usage.js';
import { type Json, obj, str } from '../shared/json-fields.js';

interface ChoiceState {
  /** Provider tool index → our call (index and id). */
  readonly calls: Map<number, { index: number; id: string }>;
  next: number;
  finished: boolean;
}

export class OpenAiEventDecoder implements StreamEventDecoder {
  readonly #sse = new SseDecoder();
  readonly #now: number;
  readonly #choices = new Map<number, ChoiceState>();
  #started = false;
  #completed = false;
  #failed = false;
  #usage: Usage | null = null;

  constructor(ctx: TranslationContext) {
    this.#now = ctx.now;
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
    for (const ev of events) for (const e of this.#event(ev)) out.push(e);
    return out;
  }

  #event(ev: SseEvent): StreamEvent[] {
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
    const err = chunk['error'];
    if (err !== undefined && err !== null) return this.#fail(midStreamError(obj(err) ?? { message: String(err) }));

    const out: StreamEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      const created = chunk['created'];
      out.push({ type: 'start', id: str(chunk['id']) ?? '', model: str(chunk['model']) ?? '', created: typeof created === 'number' ? created : Math.floor(this.#now / 1000) });
    }
    const choices = Array.isArray(chunk['choices']) ? (chunk['choices'] as unknown[]) : [];
    choices.forEach((raw, k) => {
      const c = obj(raw);
      if (c !== undefined) this.#choice(c, k, out);
    });
    if (chunk['usage'] !== undefined && chunk['usage'] !== null) {
      const usage = usageFromOpenAi(chunk['usage']);
      if (usage !== null) {
        this.#usage = usage;
        out.push({ type: 'usage', usage });
      }
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
    const reasoning = str(d['reasoning_content']) ?? str(d['reasoning']);
    if (reasoning !== undefined && reasoning !== '') out.push({ type: 'reasoning-delta', choice, text: reasoning });
    const content = str(d['content']);
    if (content !== undefined && content !== '') out.push({ type: 'text-delta', choice, text: content });
    const refusal = str(d['refusal']);
    if (refusal !== undefined && refusal !== '') out.push({ type: 'text-delta', choice, text: refusal });
    if (Array.isArray(d['tool_calls'])) {
      (d['tool_calls'] as unknown[]).forEach((raw, j) => {
        const tc = obj(raw);
        if (tc !== undefined) this.#toolCall(s, choice, tc, j, out);
      });
    }
    const fr = str(c['finish_reason']);
    if (fr !== undefined && fr !== '' && !s.finished) {
      s.finished = true;
      const reason: FinishReason = refusal !== undefined && refusal !== '' && fr === 'stop' ? 'content_filter' : finishFromOpenAi(fr);
      out.push({ type: 'finish', choice, reason, providerReason: fr });
    }
  }

  #toolCall(s: ChoiceState, choice: number, tc: Json, position: number, out: StreamEvent[]): void {
    const key = typeof tc['index'] === 'number' ? tc['index'] : position;
    const fn = obj(tc['function']) ?? {};
    const id = str(tc['id']);
    let call = s.calls.get(key);
    if (call === undefined || (id !== undefined && id !== '' && id !== call.id)) {
      const index = s.next++;
      call = { index, id: id !== undefined && id !== '' ? id : `call_${choice}_${index}` };
      s.calls.set(key, call);
      out.push({ type: 'tool-call-start', choice, index, id: call.id, name: str(fn['name']) ?? '' });
    }
    const args = fn['arguments'];
    const delta = typeof args === 'string' ? args : args !== undefined && args !== null ? JSON.stringify(args) : '';
    if (delta !== '') out.push({ type: 'tool-call-delta', choice, index: call.index, argumentsDelta: delta });
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }
}

function protocolError(what: string): UpstreamError {
  return new UpstreamError({ status: 502, message: `upstream sent ${what}`, upstreamCode: 'protocol_error', retryable: false });
}

function midStreamError(e: Json): UpstreamError {
  const code = e['code'];
  return new UpstreamError({
    status: 502,
    message: `upstream error mid-stream: ${str(e['message']) ?? 'unknown error'}`,
    upstreamCode: typeof code === 'string' || typeof code === 'number' ? String(code) : (str(e['type']) ?? null),
    retryable: false,
  });
}
