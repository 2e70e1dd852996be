// `stream_recovery: continue` (issue 4, FAILURE-MODES R3): a stream that breaks after bytes reached
// the client is resumed on a prefill-capable target with the ORIGINAL messages plus the partial answer
// as one trailing assistant message — never an added or changed system prompt — and the client's
// stream goes on as one answer. One instance per streamed request in a group that opted in; it holds:
// - the client's stream encoder, shared by every attempt, so the continuation extends the message
//   the client already has (no second message_start, no second role chunk);
// - the partial answer seen so far, and whether it can be continued at all (text only, choice 0,
//   no reasoning, not finished);
// - what each interrupted call used, so the usage the client is shown, and the output cap of the
//   continuation, count every call (each is billed what its provider billed, M10).
import type { ChatMessage, ChatRequest } from '../core/chat.js';
import { deepFreeze } from '../core/freeze.js';
import { UnsupportedParameterError, type GatewayError } from '../core/errors.js';
import type { StreamEvent } from '../core/stream-event.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import type { DeploymentRuntime, ImagesRuntime } from '../config/runtime.js';
import { canonicalTranslator } from '../providers/registry.js';
import type { UpstreamRequest } from '../providers/types.js';
import { canPrefill } from '../router/target-fit.js';
import { clientWire, type StreamEncoder } from './client-wire.js';
import type { ImageFetcher } from './image-fetch.js';
import type { RequestContext, Track } from './request-context.js';
import { hasRemoteImages, inlineImages } from './inline-images.js';
import { recoveryMarkerFrame, type StreamResume } from './recovery-marker.js';

interface Interruption {
  readonly failure: GatewayError;
  readonly deployment: string;
}

export class StreamContinuation {
  readonly #req: ChatRequest;
  readonly #ctx: RequestContext;
  readonly #images: { readonly fetcher: ImageFetcher; readonly cfg: ImagesRuntime };
  #encoder: StreamEncoder | undefined;
  #text = '';
  /** Only a plain text answer can be continued by prefill; reasoning cannot be prefilled. */
  #continuable: boolean;
  #interrupted: Interruption | undefined;
  #continuation: ChatRequest | undefined;
  /** The current call was encoded as a continuation (marked in the log and the ledger). */
  #continuing = false;
  readonly #billed: { readonly usage: Usage; readonly deployment: DeploymentRuntime }[] = [];
  readonly #resumes: StreamResume[] = [];

  constructor(req: ChatRequest, ctx: RequestContext, images: { readonly fetcher: ImageFetcher; readonly cfg: ImagesRuntime }) {
    this.#req = req;
    this.#ctx = ctx;
    this.#images = images;
    this.#continuable = (req.n ?? 1) === 1 && req.reasoningBudgetTokens === undefined && req.reasoningEffort === undefined;
  }

  /** The client's stream encoder, one for every attempt of this request. */
  get encoder(): StreamEncoder {
    this.#encoder ??= clientWire(this.#req.source.wire).streamEncoder({ includeUsage: this.#req.streamIncludeUsage, requestId: this.#ctx.requestId, clientModel: this.#req.model, request: this.#req });
    return this.#encoder;
  }

  /** A stream broke after its first byte and no continuation has produced anything yet. */
  get interrupted(): boolean {
    return this.#interrupted !== undefined;
  }

  /** Every switch so far (for the marker event). */
  get resumes(): readonly StreamResume[] {
    return this.#resumes;
  }

  /** Follows what the client was sent: only text of choice 0 keeps the answer continuable. */
  observe(ev: StreamEvent): void {
    switch (ev.type) {
      case 'text-delta':
        if (ev.choice === 0) this.#text += ev.text;
        else this.#continuable = false;
        break;
      case 'reasoning-delta':
      case 'tool-call-start':
      case 'tool-call-delta':
      case 'finish':
        // A tool call cannot be prefilled, and a finished answer has nothing left to continue.
        this.#continuable = false;
        break;
      default:
        break;
    }
  }

  /**
   * The relay's stream from `d` broke after bytes reached the client; `usage` is what that call
   * cost (the attempt loop charges it; it is kept here for the usage the client is shown). True: the
   * stream stays open and the attempt loop continues it elsewhere. False: the relay ends it with the
   * error event now (the default behaviour).
   */
  interrupt(failure: GatewayError, d: DeploymentRuntime, usage: Usage): boolean {
    if (!this.#continuable || this.#ctx.sink.clientGone || this.#ctx.sink.signal.aborted) return false;
    this.#billed.push({ usage, deployment: d });
    this.#interrupted = { failure, deployment: d.id };
    this.#continuation = undefined;
    return true;
  }

  /** The continuation from `d` produced its first event: the client's answer goes on. */
  resumedOn(d: DeploymentRuntime): void {
    const i = this.#interrupted;
    if (i === undefined) return;
    this.#resumes.push({ from: i.deployment, to: d.id, after: i.failure.code, prefixChars: this.#prefix().length });
    this.#interrupted = undefined;
  }

  /** `{continuation: true}` for the record of a call made to continue a stream, once per call. */
  takeAttemptMark(): { readonly continuation?: true } {
    const mark = this.#continuing ? ({ continuation: true } as const) : {};
    this.#continuing = false;
    return mark;
  }

  /**
   * The continuation request for `d`, encoded afresh from the frozen original (R4). A target that
   * cannot continue an assistant message is refused — the attempt loop skips it, with the reason.
   */
  async encode(d: DeploymentRuntime, track: Track): Promise<UpstreamRequest> {
    const tm = canonicalTranslator(d.provider.type);
    if (this.#prefix() !== '' && (!tm || !canPrefill(d))) {
      throw new UnsupportedParameterError('stream_recovery', d.id, '(continuing an interrupted answer needs assistant prefill) is not supported by');
    }
    if (!tm) throw new UnsupportedParameterError('model', d.id, `(a ${this.#req.source.wire} request) is not supported by`);
    let req = this.#continuationRequest();
    if (tm.capabilities.imageUrls === false && hasRemoteImages(req)) req = await inlineImages(req, this.#images.fetcher, this.#images.cfg);
    const e = tm.encodeChat(req, d.provider, d.model, { dropParams: d.dropParams, defaultMaxTokens: d.defaultMaxTokens });
    track.receipt = { ...track.receipt, dropped: e.dropped, defaultedMaxTokens: e.defaultedMaxTokens };
    this.#continuing = true;
    return e.request;
  }

  /** The usage the client is shown: every call's, since each was billed. */
  totalUsage(current: Usage | null): Usage | null {
    if (this.#billed.length === 0) return current;
    return [...this.#billed.map((b) => b.usage), current ?? ZERO_USAGE].reduce(addUsage);
  }

  /** The frame that says the stream was continued (before the terminator), or '' when it was not. */
  markerFrame(): string {
    return this.#resumes.length === 0 ? '' : recoveryMarkerFrame(this.#req.source.wire, this.#resumes);
  }

  /** Gives up: the stream the client has open ends with this error event (no terminator). */
  fail(e: GatewayError): void {
    const sink = this.#ctx.sink;
    if (!sink.headersSent || sink.clientGone || this.#encoder === undefined || this.#encoder.closed) return;
    sink.write(this.#encoder.fail(e));
    sink.end();
  }

  /** The interruption to report when no continuation could be made. */
  get interruption(): GatewayError | undefined {
    return this.#interrupted?.failure;
  }

  /** The partial answer as sent upstream: trailing whitespace trimmed (Anthropic refuses it in a prefill). */
  #prefix(): string {
    return this.#text.trimEnd();
  }

  #continuationRequest(): ChatRequest {
    if (this.#continuation) return this.#continuation;
    const req = this.#req;
    const prefix = this.#prefix();
    const messages: readonly ChatMessage[] = prefix === '' ? req.messages : [...req.messages, { role: 'assistant', content: [{ type: 'text', text: prefix }] }];
    // The client's cap covers the whole answer: what was already produced counts against it.
    const produced = this.#billed.reduce((n, b) => n + b.usage.outputTokens, 0);
    const maxOutputTokens = req.maxOutputTokens === undefined ? undefined : Math.max(1, req.maxOutputTokens - produced);
    // No `raw`: a continuation is never the client's bytes relayed, always built from canonical data.
    const source = { wire: req.source.wire, body: req.source.body, ...(req.source.headers ? { headers: req.source.headers } : {}) };
    this.#continuation = deepFreeze({ ...req, messages, maxOutputTokens, source });
    return this.#continuation;
  }
}

function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
