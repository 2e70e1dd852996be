// A Gemini candidate's parts → canonical stream events. The ONE reading of Gemini content, used by the
// stream decoder chunk by chunk and by the response decoder for a whole answer (folded by the
// StreamAccumulator), so a streamed and an unstreamed answer decode to the same thing.
//
// - text → text-delta; `thought: true` text → reasoning-delta;
// - a `thoughtSignature` (on a thought, a text or a functionCall part) → a reasoning-delta carrying
//   only the signature: it closes the open thought block, or stands alone when none is open, so the
//   signature survives the round trip (encode-contents.ts puts it back on the first functionCall);
// - functionCall arrives whole (args object): tool-call-start, then ONE tool-call-delta with the
//   arguments as JSON text. Our index counts calls per candidate from 0 across the whole stream (R5).
//   A call without an id gets `call_<responseId>_<index>` — deterministic, never random, unique
//   within the conversation because response ids are;
// - finishReason → one finish per candidate, `tool_calls` when the candidate called functions.
// Other parts (executableCode, inlineData…) are not requested by this adapter and are skipped.
import type { StreamEvent } from '../../core/stream-event.js';
import { finishFromGemini } from './finish-reason.js';
import { type Json, obj, strOrEmpty as str } from '../shared/json-fields.js';

export function mintCallId(responseId: string, choice: number, index: number): string {
  const stem = responseId.replace(/[^A-Za-z0-9_-]/g, '') || 'gemini';
  return `call_${stem}_${choice === 0 ? '' : `${choice}_`}${index}`;
}

export class CandidateEvents {
  /** Calls seen so far, per choice. */
  readonly #calls = new Map<number, number>();
  readonly #finished = new Set<number>();

  /** True once every choice seen so far has finished (and at least one has). */
  get allFinished(): boolean {
    return this.#finished.size > 0 && [...this.#calls.keys()].every((c) => this.#finished.has(c));
  }

  /** Events for one candidate of one chunk (or of a whole response); `position` is its array index. */
  candidate(raw: unknown, position: number, responseId: string): StreamEvent[] {
    const c = obj(raw);
    if (c === undefined) return [];
    const choice = typeof c['index'] === 'number' && Number.isInteger(c['index']) ? c['index'] : position;
    if (!this.#calls.has(choice)) this.#calls.set(choice, 0);
    const out: StreamEvent[] = [];
    const parts = obj(c['content'])?.['parts'];
    if (Array.isArray(parts)) for (const p of parts) this.#part(obj(p), choice, responseId, out);
    const reason = c['finishReason'];
    if (typeof reason === 'string' && reason !== '' && !this.#finished.has(choice)) {
      this.#finished.add(choice);
      out.push({ type: 'finish', choice, reason: finishFromGemini(reason, (this.#calls.get(choice) ?? 0) > 0), providerReason: reason });
    }
    return out;
  }

  #part(p: Json | undefined, choice: number, responseId: string, out: StreamEvent[]): void {
    if (p === undefined) return;
    const signature = str(p['thoughtSignature']);
    const sig = (): void => {
      if (signature !== '') out.push({ type: 'reasoning-delta', choice, text: '', signature });
    };
    const call = obj(p['functionCall']);
    if (call !== undefined) {
      sig();
      const index = this.#calls.get(choice) ?? 0;
      this.#calls.set(choice, index + 1);
      const id = str(call['id']) || mintCallId(responseId, choice, index);
      out.push({ type: 'tool-call-start', choice, index, id, name: str(call['name']) });
      out.push({ type: 'tool-call-delta', choice, index, argumentsDelta: JSON.stringify(obj(call['args']) ?? {}) });
      return;
    }
    const text = str(p['text']);
    if (text !== '') out.push(p['thought'] === true ? { type: 'reasoning-delta', choice, text } : { type: 'text-delta', choice, text });
    sig();
  }
}
