// Canonical stream events. Every provider's stream decoder turns upstream bytes into these, and every
// client surface's stream encoder turns these into its own wire, so N providers and M surfaces need
// N + M translators, not N × M. A decoder instance holds the state of ONE attempt: a retry or a
// fallback creates a new decoder, so no state leaks between attempts.
//
// Invariants decoders guarantee (the conformance suite checks them):
// - `start` comes first (at most once), before any other event but `error`;
// - tool-call `index` is OURS: it counts tool calls only, per choice, from 0 — never the provider's
//   content-block index (Anthropic and Bedrock count text and thinking blocks too); a call's
//   `tool-call-start` (with its id and name) precedes its `tool-call-delta`s;
// - `usage` is the cumulative total so far: a consumer keeps the LAST one and never adds them up;
// - after an `error` event the decoder emits nothing more, and `completed` stays false.

import type { ChatChoice, ChatResponse, FinishReason, ReasoningBlock, ToolCall } from './chat.js';
import type { UpstreamError } from './errors.js';
import type { Usage } from './usage.js';

export type StreamEvent =
  | { readonly type: 'start'; readonly id: string; readonly model: string; readonly created: number }
  | { readonly type: 'text-delta'; readonly choice: number; readonly text: string }
  /** Reasoning text; `signature` (Anthropic) arrives on its own event with empty text; `redacted` carries opaque data. */
  | { readonly type: 'reasoning-delta'; readonly choice: number; readonly text: string; readonly signature?: string; readonly redacted?: string }
  | { readonly type: 'tool-call-start'; readonly choice: number; readonly index: number; readonly id: string; readonly name: string }
  | { readonly type: 'tool-call-delta'; readonly choice: number; readonly index: number; readonly argumentsDelta: string }
  /** `providerReason` is the upstream's own word (e.g. Anthropic `pause_turn`), null when it sent none. */
  | { readonly type: 'finish'; readonly choice: number; readonly reason: FinishReason; readonly providerReason: string | null }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'error'; readonly error: UpstreamError };

export type StreamEventType = StreamEvent['type'];

/** Upstream stream bytes → canonical events, for one attempt. */
export interface StreamEventDecoder {
  push(bytes: Uint8Array): StreamEvent[];
  /** The upstream body ended (cleanly or not); returns any last events. */
  end(): StreamEvent[];
  /**
   * True once the upstream's own terminator arrived (Anthropic `message_stop`, OpenAI `[DONE]`).
   * A stream that ended without it — cut, dropped, or failed — is incomplete and must reach the
   * client as an error event, never as a clean end (R6).
   */
  readonly completed: boolean;
  /** The latest cumulative usage seen, even for an incomplete stream (for billing what was produced). */
  readonly usage: Usage | null;
}

interface ChoiceBuilder {
  text: string | null;
  calls: { id: string; name: string; arguments: string }[];
  finishReason: FinishReason | null;
  providerFinishReason: string | null;
  reasoning: ReasoningBlock[];
}

/**
 * Folds events into the ChatResponse they describe (for tests, logs, caching a streamed answer).
 * Tool calls are keyed by their index, never by arrival order.
 */
export class StreamAccumulator {
  #id = '';
  #model = '';
  #created = 0;
  #usage: Usage | null = null;
  #error: UpstreamError | undefined;
  readonly #choices = new Map<number, ChoiceBuilder>();

  #choice(i: number): ChoiceBuilder {
    let c = this.#choices.get(i);
    if (c === undefined) {
      c = { text: null, calls: [], finishReason: null, providerFinishReason: null, reasoning: [] };
      this.#choices.set(i, c);
    }
    return c;
  }

  add(ev: StreamEvent): void {
    switch (ev.type) {
      case 'start':
        this.#id = ev.id;
        this.#model = ev.model;
        this.#created = ev.created;
        break;
      case 'text-delta': {
        const c = this.#choice(ev.choice);
        c.text = (c.text ?? '') + ev.text;
        break;
      }
      case 'reasoning-delta': {
        const r = this.#choice(ev.choice).reasoning;
        if (ev.redacted !== undefined) {
          r.push({ type: 'redacted', data: ev.redacted });
          break;
        }
        const last = r.at(-1);
        // A signature closes a thinking block: text after it starts a new block.
        const open = last !== undefined && last.type === 'thinking' && last.signature === undefined ? last : undefined;
        if (open === undefined) r.push({ type: 'thinking', text: ev.text, ...(ev.signature !== undefined ? { signature: ev.signature } : {}) });
        else r[r.length - 1] = { type: 'thinking', text: open.text + ev.text, ...(ev.signature !== undefined ? { signature: ev.signature } : {}) };
        break;
      }
      case 'tool-call-start':
        this.#choice(ev.choice).calls[ev.index] = { id: ev.id, name: ev.name, arguments: '' };
        break;
      case 'tool-call-delta': {
        const call = this.#choice(ev.choice).calls[ev.index];
        if (call !== undefined) call.arguments += ev.argumentsDelta;
        break;
      }
      case 'finish': {
        const c = this.#choice(ev.choice);
        c.finishReason = ev.reason;
        c.providerFinishReason = ev.providerReason;
        break;
      }
      case 'usage':
        this.#usage = ev.usage;
        break;
      case 'error':
        this.#error ??= ev.error;
        break;
    }
  }

  addAll(events: readonly StreamEvent[]): this {
    for (const ev of events) this.add(ev);
    return this;
  }

  get error(): UpstreamError | undefined {
    return this.#error;
  }

  response(): ChatResponse {
    const choices: ChatChoice[] = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({
        index,
        text: c.text,
        // Holes (a call whose start never came) are dropped rather than invented.
        toolCalls: c.calls.filter((x): x is ToolCall => x !== undefined),
        finishReason: c.finishReason,
        providerFinishReason: c.providerFinishReason,
        ...(c.reasoning.length > 0 ? { reasoning: c.reasoning } : {}),
      }));
    return { id: this.#id, model: this.#model, created: this.#created, choices, usage: this.#usage };
  }
}
