// Mistral's stream classified frame by frame with each frame's exact bytes (ProviderModule's
// createStreamDecoder). No client speaks Mistral's native wire through the gateway, so these frames
// are never relayed; the classifier exists for the module contract. `[DONE]` is the terminator.
import type { StreamEvent } from '../../core/stream-event.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { MistralStreamDecoder } from './stream-decoder.js';

const OUTPUT = new Set<StreamEvent['type']>(['text-delta', 'reasoning-delta', 'tool-call-start', 'tool-call-delta']);

export class MistralFrameDecoder implements StreamDecoder {
  readonly #sse = new SseDecoder();
  readonly #events = new MistralStreamDecoder({ now: 0 });

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
      hasOutput: events.some((e) => OUTPUT.has(e.type)),
      usage: usage !== undefined ? usage.usage : null,
    };
  }
}
