// Canonical stream events → Responses SSE (providers.md §2), for streams translated from another
// wire. One instance per client stream; only choice 0 exists on this wire.
//
// - `response.created` and `response.in_progress` go out with the first event that produces output
//   (not with `start`: until bytes are written, a failure can still fall back to another deployment);
// - output items are numbered in the order they open. Text and reasoning are sequential: a new
//   item closes the open one, as OpenAI streams do. Each tool call is its own `function_call` item,
//   keyed by the canonical tool-call index, so parallel calls whose fragments interleave never
//   merge (R5); calls stay open until the finish event;
// - reasoning goes out as a reasoning item with one summary part (Responses shows reasoning as
//   summaries); a signature closes it and travels in `encrypted_content` (reasoning-items.ts);
// - the finish event closes every item; usage comes after it, so the terminal
//   `response.completed` (or `response.incomplete` for length / content filter) with the full
//   Response and usage is sent by `end()`;
// - a stream that did not complete, an error event, or a finish of kind `error` ends with
//   `response.failed` and an `error` event (errors.ts), never a completed event (R6).
// Every event carries a `sequence_number`, from 0, one more per event.
import type { ChatRequest, FinishReason, ReasoningBlock } from '../../core/chat.js';
import { UpstreamError, type GatewayError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { errorEventFrame, eventFrame, responseError } from './errors.js';
import { outputTextPart, responseIds, type ItemStatus, type ResponseIds } from './output-items.js';
import { itemJson, type CallItem, type StreamItem as Item } from './stream-items.js';
import { requestEcho, responseObject, terminalStatus, type ResponseObjectParts } from './response-object.js';

export interface ResponsesStreamOptions {
  /** Put in error events, so the client can quote it; the response id when no start event comes. */
  readonly requestId: string;
  /** The `model` shown to the client (default: the one in the start event). */
  readonly model?: string;
  /** The request, for the fields a Response repeats (spec defaults when absent). */
  readonly request?: ChatRequest;
  /** `created_at` when the upstream sends no start event (seconds). */
  readonly created?: number;
}

export class ResponsesStreamEncoder {
  readonly #opts: ResponsesStreamOptions;
  readonly #echo: Readonly<Record<string, unknown>>;
  #ids: ResponseIds;
  #model: string;
  #created: number;
  #seq = 0;
  #started = false;
  #closed = false;
  #usage: Usage | null = null;
  #finish: { readonly reason: FinishReason; readonly providerReason: string | null } | undefined;
  readonly #items: Item[] = [];
  /** The open message or reasoning item (at most one). */
  #current: Item | undefined;
  /** Our tool-call index → its item. */
  readonly #calls = new Map<number, CallItem>();

  constructor(opts: ResponsesStreamOptions) {
    this.#opts = opts;
    this.#echo = requestEcho(opts.request);
    this.#ids = responseIds(opts.requestId);
    this.#model = opts.model ?? '';
    this.#created = opts.created ?? 0;
  }

  /** True once the stream has ended (terminal event or error written). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The events for one canonical event ('' when it produces none). */
  push(ev: StreamEvent): string {
    if (this.#closed) return '';
    switch (ev.type) {
      case 'start':
        if (!this.#started) {
          if (ev.id !== '') this.#ids = responseIds(ev.id);
          this.#created = ev.created;
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
    if (ev.choice !== 0) return '';
    if (ev.type === 'finish') return this.#onFinish(ev.reason, ev.providerReason);
    // Nothing belongs to the answer after its finish.
    if (this.#finish !== undefined) return '';
    switch (ev.type) {
      case 'text-delta':
        if (ev.text === '') return '';
        return this.#begin() + this.#message() + this.#textDelta(ev.text);
      case 'reasoning-delta':
        return this.#begin() + this.#reasoning(ev.text, ev.signature, ev.redacted);
      case 'tool-call-start': {
        if (this.#calls.has(ev.index)) return '';
        const out = this.#begin() + this.#closeCurrent();
        const n = this.#items.length;
        const item: CallItem = { kind: 'call', index: n, id: this.#ids.item('fc', n), call: { id: ev.id, name: ev.name, arguments: '' }, status: 'in_progress' };
        this.#items.push(item);
        this.#calls.set(ev.index, item);
        return out + this.#added(item);
      }
      case 'tool-call-delta': {
        const item = this.#calls.get(ev.index);
        if (item === undefined || item.status !== 'in_progress' || ev.argumentsDelta === '') return '';
        item.call.arguments += ev.argumentsDelta;
        return this.#event('response.function_call_arguments.delta', { item_id: item.id, output_index: item.index, delta: ev.argumentsDelta });
      }
    }
  }

  /** The upstream stream completed: the terminal event with the whole Response — or an error if it never finished. */
  end(): string {
    if (this.#closed) return '';
    if (this.#finish === undefined) {
      return this.fail(new UpstreamError({ status: 502, message: 'The upstream stream ended without a finish reason', upstreamCode: 'protocol_error', retryable: false }));
    }
    let end: ReturnType<typeof terminalStatus>;
    try {
      end = terminalStatus(this.#finish.reason, this.#finish.providerReason);
    } catch (err) {
      return this.fail(err as GatewayError);
    }
    const out = this.#begin();
    const response = this.#response({ status: end.status, ...(end.incomplete !== undefined ? { incomplete: end.incomplete } : {}) });
    this.#closed = true;
    return out + this.#event(end.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  /** `response.failed` (once the response began) and the `error` event; nothing follows them. */
  fail(err: GatewayError): string {
    if (this.#closed) return '';
    this.#closed = true;
    const failed = this.#started ? this.#event('response.failed', { response: this.#response({ status: 'failed', error: responseError(err) }) }) : '';
    return failed + errorEventFrame(err, this.#opts.requestId, this.#seq++);
  }

  #onFinish(reason: FinishReason, providerReason: string | null): string {
    if (reason === 'error') {
      return this.fail(new UpstreamError({ status: 502, message: `The upstream ended the answer with an error (${providerReason ?? 'error'})`, upstreamCode: providerReason, retryable: false }));
    }
    if (this.#finish !== undefined) return '';
    this.#finish = { reason, providerReason };
    let out = this.#begin();
    // An answer with neither text nor calls is an empty message, as in a non-streamed Response.
    if (!this.#items.some((i) => i.kind !== 'reasoning')) out += this.#message();
    const status: ItemStatus = reason === 'length' || reason === 'content_filter' ? 'incomplete' : 'completed';
    out += this.#closeCurrent(status);
    for (const item of this.#calls.values()) out += this.#close(item, 'completed');
    return out;
  }

  #begin(): string {
    if (this.#started) return '';
    this.#started = true;
    const response = this.#response({ status: 'in_progress' });
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  /** Opens a message item with its one output_text part, unless one is open. */
  #message(): string {
    if (this.#current?.kind === 'message') return '';
    const out = this.#closeCurrent();
    const item: Item = { kind: 'message', index: this.#items.length, id: this.#ids.item('msg', this.#items.length), text: '', status: 'in_progress' };
    this.#items.push(item);
    this.#current = item;
    return out + this.#added(item) + this.#event('response.content_part.added', { item_id: item.id, output_index: item.index, content_index: 0, part: outputTextPart('') });
  }

  #textDelta(text: string): string {
    const item = this.#current;
    if (item?.kind !== 'message') return '';
    item.text += text;
    return this.#event('response.output_text.delta', { item_id: item.id, output_index: item.index, content_index: 0, delta: text, logprobs: [] });
  }

  #reasoning(text: string, signature: string | undefined, redacted: string | undefined): string {
    if (text === '' && signature === undefined && redacted === undefined) return '';
    let out = '';
    let item = this.#current;
    const open = item?.kind === 'reasoning' && item.block.type === 'thinking' && item.block.signature === undefined;
    if (redacted !== undefined || !open) {
      out += this.#closeCurrent();
      const block: ReasoningBlock = redacted !== undefined ? { type: 'redacted', data: redacted } : { type: 'thinking', text: '' };
      item = { kind: 'reasoning', index: this.#items.length, id: this.#ids.item('rs', this.#items.length), block, part: false, status: 'in_progress' };
      this.#items.push(item);
      this.#current = item;
      out += this.#added(item);
      // Redacted reasoning carries everything in its item: it closes at once.
      if (redacted !== undefined) return out + this.#closeCurrent();
    }
    if (item?.kind !== 'reasoning' || item.block.type !== 'thinking') return out;
    const where = { item_id: item.id, output_index: item.index, summary_index: 0 };
    if (text !== '') {
      if (!item.part) {
        item.part = true;
        out += this.#event('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
      }
      item.block = { type: 'thinking', text: item.block.text + text };
      out += this.#event('response.reasoning_summary_text.delta', { ...where, delta: text });
    }
    // A signature closes its reasoning: later reasoning opens a new item.
    if (signature !== undefined) {
      item.block = { type: 'thinking', text: item.block.text, signature };
      out += this.#closeCurrent();
    }
    return out;
  }

  #closeCurrent(status: ItemStatus = 'completed'): string {
    const item = this.#current;
    this.#current = undefined;
    return item === undefined ? '' : this.#close(item, status);
  }

  #close(item: Item, status: ItemStatus): string {
    if (item.status !== 'in_progress') return '';
    const where = { item_id: item.id, output_index: item.index };
    let out = '';
    if (item.kind === 'message') {
      out += this.#event('response.output_text.done', { ...where, content_index: 0, text: item.text, logprobs: [] });
      out += this.#event('response.content_part.done', { ...where, content_index: 0, part: outputTextPart(item.text) });
    } else if (item.kind === 'reasoning' && item.part) {
      const text = item.block.type === 'thinking' ? item.block.text : '';
      out += this.#event('response.reasoning_summary_text.done', { ...where, summary_index: 0, text });
      out += this.#event('response.reasoning_summary_part.done', { ...where, summary_index: 0, part: { type: 'summary_text', text } });
    } else if (item.kind === 'call') {
      out += this.#event('response.function_call_arguments.done', { ...where, name: item.call.name, arguments: item.call.arguments });
    }
    item.status = status;
    return out + this.#event('response.output_item.done', { output_index: item.index, item: itemJson(item) });
  }

  #added(item: Item): string {
    return this.#event('response.output_item.added', { output_index: item.index, item: itemJson(item) });
  }

  #response(p: Pick<ResponseObjectParts, 'status' | 'incomplete' | 'error'>): Record<string, unknown> {
    // Items still open when a stream fails are incomplete in the failed Response.
    const output = this.#items.map((i) => itemJson(i.status === 'in_progress' && p.status === 'failed' ? { ...i, status: 'incomplete' } : i));
    return responseObject({ ...p, id: this.#ids.response, createdAt: this.#created, model: this.#model, output, usage: this.#usage, echo: this.#echo });
  }

  #event(type: string, fields: Record<string, unknown>): string {
    return eventFrame({ type, ...fields, sequence_number: this.#seq++ });
  }
}
