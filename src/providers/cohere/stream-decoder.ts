// Cohere v2 Chat SSE (providers.md §9) → canonical stream events. One instance per attempt; all state
// (tool-call numbering, usage) lives here.
//
// - Events are named by their `type` (also sent as `event:`). Cohere's `index` counts content items
//   and tool calls together (a thinking item at 0 puts the first call at 1), so each
//   `tool-call-start` is numbered by OUR counter and its deltas are routed by Cohere's index (R5).
// - `thinking` content deltas and `tool-plan-delta` (the plan the model states before calling
//   tools) become reasoning; citations and debug events are skipped.
// - `message-end` is the terminator and carries the finish reason and the only usage; `completed` is
//   true only after it. A `message-end` with `delta.error` (possible after a 200) is an error event,
//   and the stream is incomplete (R6). A `data: [DONE]` after it is ignored.
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { TranslationContext } from '../types.js';
import { finishFromCohere } from './finish-reason.js';
import { usageFromCohere } from './usage.js';
import { type Json, obj, strOrEmpty as str, argumentsText } from '../shared/json-fields.js';

/** `delta.message` of an event, where Cohere puts every payload. */
function messageOf(data: Json): Json {
  return obj(obj(data['delta'])?.['message']) ?? {};
}

interface OpenCall {
  readonly index: number;
  sawArguments: boolean;
}

export class CohereStreamDecoder implements StreamEventDecoder {
  readonly #sse = new SseDecoder();
  readonly #created: number;
  /** Cohere's index → our tool-call index. */
  readonly #calls = new Map<number, OpenCall>();
  #nextCall = 0;
  #lastKey: number | undefined;
  #started = false;
  #finished = false;
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
    if (this.#completed || this.#failed || ev.comment || ev.data === '[DONE]') return [];
    let data: Json | undefined;
    try {
      data = obj(JSON.parse(ev.data));
    } catch {
      data = undefined;
    }
    if (data === undefined) return this.#fail(protocolError(`an unparseable '${ev.event ?? 'message'}' event`));
    const type = str(data['type']) || (ev.event ?? '');
    const out: StreamEvent[] = [];
    if (!this.#started && type !== 'message-end') {
      this.#started = true;
      out.push({ type: 'start', id: str(data['id']), model: '', created: this.#created });
    }
    switch (type) {
      case 'content-start':
      case 'content-delta':
        this.#content(obj(messageOf(data)['content']) ?? {}, out);
        break;
      case 'tool-plan-delta': {
        const plan = str(messageOf(data)['tool_plan']);
        if (plan !== '') out.push({ type: 'reasoning-delta', choice: 0, text: plan });
        break;
      }
      case 'tool-call-start':
        this.#toolStart(data, out);
        break;
      case 'tool-call-delta':
        this.#toolDelta(data, out);
        break;
      case 'tool-call-end':
        this.#toolEnd(data, out);
        break;
      case 'message-end':
        return this.#messageEnd(obj(data['delta']) ?? {}, data);
      default:
        break; // message-start (handled above), content-end, citations, debug, future types
    }
    return out;
  }

  #content(content: Json, out: StreamEvent[]): void {
    const text = str(content['text']);
    if (text !== '') out.push({ type: 'text-delta', choice: 0, text });
    const thought = str(content['thinking']);
    if (thought !== '') out.push({ type: 'reasoning-delta', choice: 0, text: thought });
  }

  /** Cohere's index of a call event; without one (not seen from Cohere), the latest call. */
  #providerIndex(data: Json): number | undefined {
    const i = data['index'];
    return typeof i === 'number' ? i : this.#lastKey;
  }

  #toolStart(data: Json, out: StreamEvent[]): void {
    const call = obj(messageOf(data)['tool_calls']) ?? {};
    const fn = obj(call['function']) ?? {};
    const key = typeof data['index'] === 'number' ? data['index'] : -1 - this.#nextCall;
    const open: OpenCall = { index: this.#nextCall++, sawArguments: false };
    this.#calls.set(key, open);
    this.#lastKey = key;
    out.push({ type: 'tool-call-start', choice: 0, index: open.index, id: str(call['id']), name: str(fn['name']) });
    const args = argumentsText(fn['arguments']);
    if (args !== '') {
      open.sawArguments = true;
      out.push({ type: 'tool-call-delta', choice: 0, index: open.index, argumentsDelta: args });
    }
  }

  #toolDelta(data: Json, out: StreamEvent[]): void {
    const key = this.#providerIndex(data);
    const open = key === undefined ? undefined : this.#calls.get(key);
    if (open === undefined) {
      this.#failed = true;
      out.push({ type: 'error', error: protocolError(`a tool-call-delta for call ${String(data['index'])}, which never started`) });
      return;
    }
    const fn = obj(obj(messageOf(data)['tool_calls'])?.['function']) ?? {};
    const args = argumentsText(fn['arguments']);
    if (args === '') return;
    open.sawArguments = true;
    out.push({ type: 'tool-call-delta', choice: 0, index: open.index, argumentsDelta: args });
  }

  #toolEnd(data: Json, out: StreamEvent[]): void {
    const key = this.#providerIndex(data);
    const open = key === undefined ? undefined : this.#calls.get(key);
    // A call without arguments streams none; OpenAI-style clients need valid JSON.
    if (open !== undefined && !open.sawArguments) {
      open.sawArguments = true;
      out.push({ type: 'tool-call-delta', choice: 0, index: open.index, argumentsDelta: '{}' });
    }
  }

  #messageEnd(delta: Json, data: Json): StreamEvent[] {
    const error = str(delta['error']);
    const reason = str(delta['finish_reason']);
    if (error !== '') return this.#fail(midStreamError(error, reason));
    const out: StreamEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({ type: 'start', id: str(data['id']), model: '', created: this.#created });
    }
    if (reason !== '' && !this.#finished) {
      this.#finished = true;
      out.push({ type: 'finish', choice: 0, reason: finishFromCohere(reason), providerReason: reason });
    }
    const usage = usageFromCohere(delta['usage']);
    if (usage !== null) {
      this.#usage = usage;
      out.push({ type: 'usage', usage });
    }
    this.#completed = true;
    return out;
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }
}

function protocolError(what: string): UpstreamError {
  return new UpstreamError({ status: 502, message: `Cohere sent ${what}`, upstreamCode: 'protocol_error', retryable: false });
}

/** Cohere reports a generation failure after a 200 as a message-end with an error: a server error. */
function midStreamError(message: string, reason: string): UpstreamError {
  return new UpstreamError({
    status: 500,
    message: `Cohere error mid-stream: ${message}`,
    upstreamCode: reason !== '' ? reason : null,
    type: 'api_error',
    retryable: true,
  });
}
