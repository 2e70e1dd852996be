// Anthropic Messages SSE (providers.md §4) → canonical stream events. One instance per attempt; all
// state (open content blocks, tool-call numbering, usage so far) lives here.
//
// - Content-block indices count ALL blocks (text, thinking, tool_use); our tool-call index counts
//   tool calls only, so each tool_use block is numbered when it starts and its deltas are routed by
//   the block index to that number (R5: parallel calls never merge).
// - Usage: `message_start` carries the input side and a provisional output count; each
//   `message_delta` carries CUMULATIVE counts. Later fields replace earlier ones, never added (§4).
// - `message_stop` is the terminator: only then is `completed` true. A stream that ends without it,
//   or carries `event: error` (possible after a 200), is incomplete (R6).
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { finishFromAnthropic } from './finish-reason.js';
import { isRetryable, readErrorObject, statusForErrorType } from './map-error.js';
import { mergeCounts, readCounts, usageFromCounts, type AnthropicCounts } from './usage.js';
import { type Json, obj, strOrEmpty as str } from '../shared/json-fields.js';

type Block =
  | { readonly kind: 'text' | 'thinking' | 'other' }
  | { readonly kind: 'tool'; readonly index: number; sawArguments: boolean };

export interface StreamDecoderContext {
  /** ms since the epoch; Anthropic events carry no timestamp, so `created` is when the stream began. */
  readonly now: number;
}

export class AnthropicStreamDecoder implements StreamEventDecoder {
  readonly #sse = new SseDecoder();
  readonly #created: number;
  readonly #blocks = new Map<number, Block>();
  #toolCalls = 0;
  #started = false;
  #finished = false;
  #completed = false;
  #failed = false;
  #usageSent = false;
  #counts: AnthropicCounts | undefined;

  constructor(ctx: StreamDecoderContext) {
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
    return this.#counts === undefined ? null : usageFromCounts(this.#counts);
  }

  #all(events: readonly SseEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const ev of events) for (const e of this.decodeEvent(ev)) out.push(e);
    return out;
  }

  /** One SSE event → canonical events. Public for the same-wire frame classifier below. */
  decodeEvent(ev: SseEvent): StreamEvent[] {
    if (this.#completed || this.#failed || ev.comment) return [];
    let data: Json | undefined;
    try {
      data = obj(JSON.parse(ev.data));
    } catch {
      data = undefined;
    }
    if (data === undefined) return this.#fail(protocolError(`an unparseable '${ev.event ?? 'message'}' event`));
    const type = ev.event === 'error' ? 'error' : str(data['type']) || (ev.event ?? '');
    switch (type) {
      case 'ping':
        return [];
      case 'error':
        return this.#fail(midStreamError(data));
      case 'message_start':
        return this.#messageStart(obj(data['message']) ?? {});
      case 'content_block_start':
        return this.#blockStart(data['index'], obj(data['content_block']) ?? {});
      case 'content_block_delta':
        return this.#blockDelta(data['index'], obj(data['delta']) ?? {});
      case 'content_block_stop':
        return this.#blockStop(data['index']);
      case 'message_delta':
        return this.#messageDelta(obj(data['delta']) ?? {}, data['usage']);
      case 'message_stop':
        this.#completed = true;
        return this.#usageSent || this.#counts === undefined ? [] : this.#usageEvent();
      default:
        return []; // future event types are not ours to fail on
    }
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }

  #usageEvent(): StreamEvent[] {
    this.#usageSent = true;
    return [{ type: 'usage', usage: usageFromCounts(this.#counts as AnthropicCounts) }];
  }

  #messageStart(message: Json): StreamEvent[] {
    const counts = readCounts(message['usage']);
    if (counts) this.#counts = mergeCounts(this.#counts, counts);
    if (this.#started) return [];
    this.#started = true;
    return [{ type: 'start', id: str(message['id']), model: str(message['model']), created: this.#created }];
  }

  #blockStart(index: unknown, block: Json): StreamEvent[] {
    if (typeof index !== 'number') return this.#fail(protocolError('a content_block_start without an index'));
    switch (block['type']) {
      case 'text': {
        this.#blocks.set(index, { kind: 'text' });
        const text = str(block['text']);
        return text === '' ? [] : [{ type: 'text-delta', choice: 0, text }];
      }
      case 'thinking': {
        this.#blocks.set(index, { kind: 'thinking' });
        const text = str(block['thinking']);
        return text === '' ? [] : [{ type: 'reasoning-delta', choice: 0, text }];
      }
      case 'redacted_thinking':
        this.#blocks.set(index, { kind: 'other' });
        return [{ type: 'reasoning-delta', choice: 0, text: '', redacted: str(block['data']) }];
      case 'tool_use': {
        const tool: Block = { kind: 'tool', index: this.#toolCalls++, sawArguments: false };
        this.#blocks.set(index, tool);
        const out: StreamEvent[] = [{ type: 'tool-call-start', choice: 0, index: tool.index, id: str(block['id']), name: str(block['name']) }];
        const input = obj(block['input']);
        if (input !== undefined && Object.keys(input).length > 0) {
          tool.sawArguments = true;
          out.push({ type: 'tool-call-delta', choice: 0, index: tool.index, argumentsDelta: JSON.stringify(input) });
        }
        return out;
      }
      default:
        // server_tool_use, web_search_tool_result…: not requested by this adapter; skipped.
        this.#blocks.set(index, { kind: 'other' });
        return [];
    }
  }

  #blockDelta(index: unknown, delta: Json): StreamEvent[] {
    const block = typeof index === 'number' ? this.#blocks.get(index) : undefined;
    if (block === undefined) return this.#fail(protocolError(`a content_block_delta for block ${String(index)}, which never started`));
    switch (delta['type']) {
      case 'text_delta': {
        const text = str(delta['text']);
        return block.kind === 'text' && text !== '' ? [{ type: 'text-delta', choice: 0, text }] : [];
      }
      case 'input_json_delta': {
        const part = str(delta['partial_json']);
        if (block.kind !== 'tool' || part === '') return [];
        block.sawArguments = true;
        return [{ type: 'tool-call-delta', choice: 0, index: block.index, argumentsDelta: part }];
      }
      case 'thinking_delta': {
        const text = str(delta['thinking']);
        return text === '' ? [] : [{ type: 'reasoning-delta', choice: 0, text }];
      }
      case 'signature_delta':
        return [{ type: 'reasoning-delta', choice: 0, text: '', signature: str(delta['signature']) }];
      default:
        return []; // citations_delta and future delta types
    }
  }

  #blockStop(index: unknown): StreamEvent[] {
    const block = typeof index === 'number' ? this.#blocks.get(index) : undefined;
    // A tool called without input streams no argument text; OpenAI-style clients need valid JSON.
    if (block?.kind === 'tool' && !block.sawArguments) {
      block.sawArguments = true;
      return [{ type: 'tool-call-delta', choice: 0, index: block.index, argumentsDelta: '{}' }];
    }
    return [];
  }

  #messageDelta(delta: Json, usage: unknown): StreamEvent[] {
    const out: StreamEvent[] = [];
    const stop = delta['stop_reason'];
    if (typeof stop === 'string' && !this.#finished) {
      this.#finished = true;
      out.push({ type: 'finish', choice: 0, reason: finishFromAnthropic(stop), providerReason: stop });
    }
    const counts = readCounts(usage);
    if (counts) {
      this.#counts = mergeCounts(this.#counts, counts);
      out.push(...this.#usageEvent());
    }
    return out;
  }
}

function protocolError(what: string): UpstreamError {
  return new UpstreamError({ status: 502, message: `Anthropic sent ${what}`, upstreamCode: 'protocol_error', retryable: false });
}

/** `event: error` after a 200, e.g. overloaded_error: same classification as an error status. */
function midStreamError(data: Json): UpstreamError {
  const e = readErrorObject(data);
  const status = statusForErrorType(e.type);
  return new UpstreamError({
    status,
    message: `Anthropic error mid-stream: ${e.message ?? 'unknown error'}`,
    upstreamCode: e.type,
    type: e.type ?? undefined,
    retryable: isRetryable(status, e),
  });
}

/**
 * The same stream classified frame by frame with each frame's exact bytes, for same-wire relays
 * (an Anthropic client to an Anthropic deployment): `message_stop` is the terminator, `event: error`
 * the error, and every frame with a cumulative usage carries it.
 */
export class AnthropicFrameDecoder implements StreamDecoder {
  readonly #sse = new SseDecoder();
  readonly #events = new AnthropicStreamDecoder({ now: 0 });

  push(bytes: Uint8Array): StreamFrame[] {
    return this.#sse.push(bytes).map((ev) => this.#classify(ev));
  }

  end(): StreamFrame[] {
    return this.#sse.end().map((ev) => this.#classify(ev));
  }

  #classify(ev: SseEvent): StreamFrame {
    if (ev.comment) return { kind: 'ignored', raw: ev.raw };
    const wasComplete = this.#events.completed;
    const events = this.#events.decodeEvent(ev);
    const error = events.find((e): e is Extract<StreamEvent, { type: 'error' }> => e.type === 'error');
    if (error !== undefined) return { kind: 'error', raw: ev.raw, error: error.error };
    if (!wasComplete && this.#events.completed) return { kind: 'done', raw: ev.raw };
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
