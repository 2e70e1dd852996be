// Canonical stream events → Anthropic Messages SSE (providers.md §4), for streams translated from
// another wire. One instance per client stream. Only choice 0 exists on this wire.
//
// - `message_start` goes out with the first event (usage so far, zeros when none yet);
// - content blocks are numbered in the order they open (thinking, text and each tool call its own
//   block, so parallel calls never merge — R5); a new block closes the one before it, as Anthropic
//   streams do; a late fragment of an already-closed tool call still goes to that call's own index;
// - the finish event closes open blocks; `message_delta` (stop_reason and CUMULATIVE usage, the
//   last seen) and `message_stop` are sent by `end()`, since usage arrives after the finish;
// - a stream that did not complete, an error event, or a finish of kind `error` ends with an
//   `event: error` frame and NO message_stop (R6).
import type { ChatChoice } from '../../core/chat.js';
import { UpstreamError, type GatewayError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import { ZERO_USAGE, type Usage } from '../../core/usage.js';
import { anthropicStreamErrorFrame } from './errors.js';
import { anthropicStopReason } from './stop-reason.js';
import { anthropicUsage } from './usage-json.js';

export interface MessageEncoderOptions {
  /** Put in error frames, so the client can quote it. */
  readonly requestId: string;
  /** The `model` shown to the client (default: the one in the start event). */
  readonly model?: string;
  /** Used when the upstream sends no start event. */
  readonly id?: string;
}

type OpenBlock = { readonly kind: 'text' | 'thinking' | 'redacted'; readonly index: number } | { readonly kind: 'tool'; readonly index: number; readonly call: number };

function frame(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

export class AnthropicMessageEncoder {
  readonly #opts: MessageEncoderOptions;
  #id: string;
  #model: string;
  #started = false;
  #closed = false;
  #usage: Usage | null = null;
  #finish: Pick<ChatChoice, 'finishReason' | 'providerFinishReason'> | undefined;
  #open: OpenBlock | undefined;
  #blocks = 0;
  /** Our tool-call index → its content-block index. */
  readonly #toolBlocks = new Map<number, number>();

  constructor(opts: MessageEncoderOptions) {
    this.#opts = opts;
    this.#id = opts.id ?? `msg_${opts.requestId}`;
    this.#model = opts.model ?? '';
  }

  /** True once the stream has ended (message_stop or error frame written). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The frames for one event ('' when it produces none). */
  push(ev: StreamEvent): string {
    if (this.#closed) return '';
    switch (ev.type) {
      case 'start':
        if (!this.#started) {
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
    if (ev.choice !== 0) return '';
    switch (ev.type) {
      case 'text-delta':
        if (ev.text === '') return '';
        return this.#ensure('text', { type: 'text', text: '' }) + this.#delta({ type: 'text_delta', text: ev.text });
      case 'reasoning-delta': {
        if (ev.redacted !== undefined) {
          return this.#begin() + this.#close() + this.#startBlock({ kind: 'redacted', index: this.#blocks }, { type: 'redacted_thinking', data: ev.redacted });
        }
        let out = this.#ensure('thinking', { type: 'thinking', thinking: '', signature: '' });
        if (ev.text !== '') out += this.#delta({ type: 'thinking_delta', thinking: ev.text });
        // A signature closes its thinking block: later thinking opens a new one.
        if (ev.signature !== undefined) out += this.#delta({ type: 'signature_delta', signature: ev.signature }) + this.#close();
        return out;
      }
      case 'tool-call-start': {
        if (this.#toolBlocks.has(ev.index)) return '';
        const out = this.#begin() + this.#close();
        this.#toolBlocks.set(ev.index, this.#blocks);
        return out + this.#startBlock({ kind: 'tool', index: this.#blocks, call: ev.index }, { type: 'tool_use', id: ev.id, name: ev.name, input: {} });
      }
      case 'tool-call-delta': {
        const index = this.#toolBlocks.get(ev.index);
        if (index === undefined || ev.argumentsDelta === '') return '';
        return frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: ev.argumentsDelta } });
      }
      case 'finish': {
        if (ev.reason === 'error') {
          return this.fail(new UpstreamError({ status: 502, message: `The upstream ended the answer with an error (${ev.providerReason ?? 'error'})`, upstreamCode: ev.providerReason, retryable: false }));
        }
        if (this.#finish !== undefined) return '';
        this.#finish = { finishReason: ev.reason, providerFinishReason: ev.providerReason };
        return this.#begin() + this.#close();
      }
    }
  }

  /** The upstream stream completed: message_delta and message_stop — or an error if it never finished. */
  end(): string {
    if (this.#closed) return '';
    if (this.#finish === undefined) {
      return this.fail(new UpstreamError({ status: 502, message: 'The upstream stream ended without a finish reason', upstreamCode: 'protocol_error', retryable: false }));
    }
    let stop: string;
    try {
      stop = anthropicStopReason(this.#finish);
    } catch (err) {
      return this.fail(err as GatewayError);
    }
    const out = this.#begin() + this.#close() + frame('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: anthropicUsage(this.#usage ?? ZERO_USAGE) }) + frame('message_stop', {});
    this.#closed = true;
    return out;
  }

  /** The error frame that ends a failed stream (no message_stop follows). */
  fail(err: GatewayError): string {
    if (this.#closed) return '';
    this.#closed = true;
    return anthropicStreamErrorFrame(err, this.#opts.requestId);
  }

  #begin(): string {
    if (this.#started) return '';
    this.#started = true;
    const message = {
      id: this.#id,
      type: 'message',
      role: 'assistant',
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(this.#usage ?? ZERO_USAGE),
    };
    return frame('message_start', { message });
  }

  /** Opens a block of this kind unless one is open already. */
  #ensure(kind: 'text' | 'thinking', block: Record<string, unknown>): string {
    if (this.#open?.kind === kind) return '';
    return this.#begin() + this.#close() + this.#startBlock({ kind, index: this.#blocks }, block);
  }

  #startBlock(b: OpenBlock, block: Record<string, unknown>): string {
    this.#open = b;
    this.#blocks++;
    const out = frame('content_block_start', { index: b.index, content_block: block });
    // Redacted thinking carries everything in its start: it closes at once.
    return b.kind === 'redacted' ? out + this.#close() : out;
  }

  #delta(delta: Record<string, unknown>): string {
    return this.#open === undefined ? '' : frame('content_block_delta', { index: this.#open.index, delta });
  }

  #close(): string {
    if (this.#open === undefined) return '';
    const index = this.#open.index;
    this.#open = undefined;
    return frame('content_block_stop', { index });
  }
}
