// The same-wire frame classifier every provider module offers (types.ts `createStreamDecoder`). No
// client speaks Bedrock's wire, so the gateway never relays Bedrock frames; this exists to keep the
// contract honest: one frame per event-stream message, classified by the event decoder, with `raw` =
// the message's JSON payload (NOT the binary wire bytes — never write it to a client as a relay).
import type { StreamEvent } from '../../core/stream-event.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { EventStreamFramer } from './event-stream-framer.js';
import { BedrockStreamDecoder } from './stream-decoder.js';

export class BedrockFrameDecoder implements StreamDecoder {
  readonly #framer = new EventStreamFramer();
  readonly #events = new BedrockStreamDecoder({ now: 0 });
  #done = false;

  push(bytes: Uint8Array): StreamFrame[] {
    const { messages, error } = this.#framer.push(bytes);
    const out: StreamFrame[] = [];
    for (const m of messages) out.push(...this.#classify(new TextDecoder().decode(m.body), this.#events.decodeMessage(m)));
    if (error !== undefined) out.push(...this.#classify('', this.#events.framingError(error)));
    return out;
  }

  end(): StreamFrame[] {
    return [];
  }

  #classify(raw: string, events: readonly StreamEvent[]): StreamFrame[] {
    if (this.#done) return [];
    const error = events.find((e): e is Extract<StreamEvent, { type: 'error' }> => e.type === 'error');
    if (error !== undefined) {
      this.#done = true;
      return [{ kind: 'error', raw, error: error.error }];
    }
    const usage = events.find((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage');
    const chunk: StreamFrame = {
      kind: 'chunk',
      raw,
      finished: events.some((e) => e.type === 'finish'),
      hasOutput: events.some((e) => e.type === 'text-delta' || e.type === 'tool-call-start' || e.type === 'tool-call-delta' || e.type === 'reasoning-delta'),
      usage: usage !== undefined ? usage.usage : null,
    };
    if (!this.#events.completed) return [chunk];
    this.#done = true;
    return [chunk, { kind: 'done', raw: '' }];
  }
}
