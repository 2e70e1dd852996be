// Canonical stream events → OpenAI chat.completion.chunk SSE frames (providers.md §1), for streams
// translated from another wire. One instance per client stream.
//
// - Each choice's first frame carries `role: "assistant"`; tool calls go out by OUR index with id,
//   type and name on their first fragment and only `arguments` after (R5).
// - The finish chunk is sent when the finish event arrives; usage is kept (last wins) and sent as a
//   `choices: []` chunk just before `[DONE]`, only if the client asked (`stream_options.include_usage`),
//   in which case every chunk carries `"usage": null`, as OpenAI does.
// - `end()` is for a stream whose upstream terminator arrived; a stream that did not complete, an
//   error event, or a finish of kind `error` ends with an error frame and NO `[DONE]` (R6).
// Reasoning deltas have no place on OpenAI's Chat wire and are not sent.
import type { FinishReason } from '../../core/chat.js';
import { UpstreamError, type GatewayError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { openAiStreamErrorFrame } from './errors.js';
import { openAiUsage } from './usage-json.js';

export const DONE_FRAME = 'data: [DONE]\n\n';

export interface ChunkEncoderOptions {
  /** The client asked for the usage chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
  /** Put in error frames, so the client can quote it. */
  readonly requestId: string;
  /** The `model` shown to the client (default: the one in the start event). */
  readonly model?: string;
  /** Shown when the upstream names no model (Bedrock, Cohere streams): the one the client asked for. */
  readonly defaultModel?: string;
  /** Used when the upstream sends no start event: id and created (seconds). */
  readonly id?: string;
  readonly created?: number;
}

export class OpenAiChunkEncoder {
  readonly #opts: ChunkEncoderOptions;
  #id: string;
  #model: string;
  #created: number;
  #sent = false;
  #closed = false;
  #usage: Usage | null = null;
  readonly #opened = new Set<number>();
  readonly #finished = new Set<number>();

  constructor(opts: ChunkEncoderOptions) {
    this.#opts = opts;
    this.#id = opts.id ?? `chatcmpl-${opts.requestId}`;
    this.#model = opts.model ?? opts.defaultModel ?? '';
    this.#created = opts.created ?? 0;
  }

  /** True once the stream has ended (terminator or error frame written). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The frames for one event ('' when it produces none). */
  push(ev: StreamEvent): string {
    if (this.#closed) return '';
    switch (ev.type) {
      case 'start':
        // Every chunk of a stream has the same id and created: only before the first one.
        if (!this.#sent) {
          this.#id = ev.id || this.#id;
          this.#created = ev.created;
          if (this.#opts.model === undefined && ev.model !== '') this.#model = ev.model;
        }
        return '';
      case 'text-delta':
        return this.#open(ev.choice, '""') + this.#chunk(ev.choice, { content: ev.text });
      case 'reasoning-delta':
        return '';
      case 'tool-call-start':
        return (
          this.#open(ev.choice, 'null') +
          this.#chunk(ev.choice, { tool_calls: [{ index: ev.index, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } }] })
        );
      case 'tool-call-delta':
        return this.#open(ev.choice, 'null') + this.#chunk(ev.choice, { tool_calls: [{ index: ev.index, function: { arguments: ev.argumentsDelta } }] });
      case 'finish':
        return this.#finish(ev.choice, ev.reason, ev.providerReason);
      case 'usage':
        this.#usage = ev.usage;
        return '';
      case 'error':
        return this.fail(ev.error);
    }
  }

  /** The upstream stream completed: usage chunk (if asked) and [DONE] — or an error if no choice finished. */
  end(): string {
    if (this.#closed) return '';
    if (this.#finished.size === 0 || [...this.#opened].some((c) => !this.#finished.has(c))) {
      return this.fail(new UpstreamError({ status: 502, message: 'The upstream stream ended without a finish reason', upstreamCode: 'protocol_error', retryable: false }));
    }
    let out = '';
    if (this.#opts.includeUsage && this.#usage !== null) {
      out += `data: ${JSON.stringify({ ...this.#envelope(), choices: [], usage: openAiUsage(this.#usage) })}\n\n`;
    }
    this.#closed = true;
    return out + DONE_FRAME;
  }

  /** The error frame that ends a failed stream (no [DONE] follows). */
  fail(err: GatewayError): string {
    if (this.#closed) return '';
    this.#closed = true;
    return openAiStreamErrorFrame(err, this.#opts.requestId);
  }

  #finish(choice: number, reason: FinishReason, providerReason: string | null): string {
    if (reason === 'error') {
      return this.fail(new UpstreamError({ status: 502, message: `The upstream ended the answer with an error (${providerReason ?? 'error'})`, upstreamCode: providerReason, retryable: false }));
    }
    if (this.#finished.has(choice)) return '';
    this.#finished.add(choice);
    return this.#open(choice, '""') + this.#chunk(choice, {}, reason);
  }

  /** The role frame, once per choice. `content` is "" before text, null before tool calls (as OpenAI sends). */
  #open(choice: number, content: '""' | 'null'): string {
    if (this.#opened.has(choice)) return '';
    this.#opened.add(choice);
    return this.#chunk(choice, { role: 'assistant', content: content === 'null' ? null : '' });
  }

  #envelope(): Record<string, unknown> {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model };
  }

  #chunk(choice: number, delta: Record<string, unknown>, finish: string | null = null): string {
    this.#sent = true;
    const body: Record<string, unknown> = { ...this.#envelope(), choices: [{ index: choice, delta, logprobs: null, finish_reason: finish }] };
    if (this.#opts.includeUsage) body['usage'] = null;
    return `data: ${JSON.stringify(body)}\n\n`;
  }
}
