// Cohere's stream classified frame by frame with each frame's exact bytes (ProviderModule's
// createStreamDecoder). No client speaks Cohere's wire, so the gateway never relays these frames;
// the classifier exists for the module contract and for tools that inspect raw streams.
// `message-end` is the terminator (`done`), a `message-end` with an error is the error frame.
import type { StreamEvent } from '../../core/stream-event.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { CohereStreamDecoder } from './stream-decoder.js';

const OUTPUT = new Set<StreamEvent['type']>(['text-delta', 'reasoning-delta', 'tool-call-start', 'tool-call-delta']);

export class CohereFrameDecoder implements StreamDecoder {
  readonly #sse = new SseDecoder();
  readonly #events = new CohereStreamDecoder({ now: 0 });

  push(bytes: Uint8Array): StreamFrame[] {
    return this.#sse.push(bytes).map((ev) => this.#classify(ev));
  }

  end(): StreamFrame[] {
    return this.#sse.end().map((ev) => this.#classify(ev));
  }

  #classify(ev: SseEvent): StreamFrame {
    if (ev.comment || ev.data === '[DONE]') return { kind: 'ignored', raw: ev.raw };
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
      hasOutput: events.some((e) => OUTPUT.has(e.type)),
      usage: usage !== undefined ? usage.usage : null,
    };
  }
}
