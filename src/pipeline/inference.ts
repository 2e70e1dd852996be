// The request lifecycle for inference routes: resolve the model, choose a deployment, admit
// (reserve budgets and limits atomically), encode, call upstream, decode, relay, settle to what
// the provider billed, and record what happened. The only place that sequences I/O.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ChatRequest, EmbeddingsRequest } from '../core/chat.js';
import { GatewayError, toGatewayError, UnsupportedParameterError, UpstreamUnavailableError } from '../core/errors.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import { admit, enforcementHeader, type Admission, type AdmissionDeps } from '../policy/admission.js';
import { providerModule, translatorFor } from '../providers/registry.js';
import { isTranslating, type AnyProviderModule, type UpstreamRequest } from '../providers/types.js';
import { planAttempts, healthSnapshot } from '../router/attempt-plan.js';
import { AllAttemptsFailedError, failedAttempt, type FailedAttempt, type SkippedTarget } from '../router/all-attempts-failed.js';
import { decideNextStep, parseRetryAfterMs, RetryBudget } from '../router/retry-policy.js';
import { isTargetRefusal, planExhausted, refusalSkip } from '../router/plan-exhausted.js';
import { targetFit } from '../router/target-fit.js';
import { HeadroomTracker } from '../router/headroom.js';
import { affinityKey } from '../router/affinity.js';
import { LatencyTracker } from '../router/latency-tracker.js';
import { routingHints } from '../router/routing-hints.js';
import { RoundRobinCursors } from '../router/strategies/round-robin.js';
import { priceFor } from '../policy/pricing/price-lookup.js';
import type { Metrics } from '../telemetry/metrics.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import { BreakerGate } from './breaker-gate.js';
import { planIds, resolveGroup } from './model-group.js';
import type { RequestContext, RequestKind, Track } from './request-context.js';
import { JSON_HEADERS, sendError } from './send-error.js';
import { estimatedUsage } from './usage-estimate.js';
import { estimateEmbeddingTokens } from '../policy/token-estimate.js';
import { encodeEmbeddingsResponse } from '../surfaces/embeddings/encode.js';
import { ChatEncoder } from './chat-encoder.js';
import type { ImageFetcher } from './image-fetch.js';
import { forwardedHeaders } from './forward-headers.js';
import type { LedgerSink } from './ledger-sink.js';
import { recordOutcome, type AttemptRecord, type RequestOutcome } from './outcome.js';
import { receiptHeaders, type Receipt } from './receipt.js';
import { relayStream } from './stream-relay.js';
import { relayTranslatedResponse, relayTranslatedStream } from './translated-relay.js';
import { relayContinuableStream } from './continuable-relay.js';
import { StreamContinuation } from './stream-continuation.js';
import { callUpstream, upstreamFailure, type UpstreamResponse } from './upstream-call.js';
import { attemptDeadline, requestTotalMs } from './attempt-deadline.js';
import type { UpstreamPools } from './upstream-pools.js';

export type { RequestContext, Track } from './request-context.js';

export interface PipelineDeps {
  readonly pools: UpstreamPools;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly admission: AdmissionDeps;
  readonly ledger: LedgerSink;
  /** Fetches image URLs for providers that only take inline bytes. */
  readonly images: ImageFetcher;
}

/**
 * Errors about the request itself: no other target would do better, so no retry and no fallback.
 * (`unsupported_parameter` is about one target: that target is skipped and the next one tried.)
 */
const FINAL_CODES: ReadonlySet<string> = new Set(['invalid_request', 'image_url_forbidden', 'image_fetch_failed', 'image_too_large']);


export class InferencePipeline {
  readonly #latency = new LatencyTracker();
  readonly #cursors = new RoundRobinCursors();
  /** Retries may be at most 20 % of the last 10 s of requests (at least 3 per second). */
  readonly #retryBudget = new RetryBudget();
  /** Deployments that answered 429 lately: prompt-cache affinity yields to them (C3). */
  readonly #headroom = new HeadroomTracker();
  /** This replica's view of the breakers, in front of the shared store. */
  readonly #breakers: BreakerGate;

  constructor(private readonly deps: PipelineDeps) {
    this.#breakers = new BreakerGate(deps.admission.store, deps.metrics, deps.logger);
  }

  async chat(ctx: RequestContext, req: ChatRequest): Promise<void> {
    const encoder = new ChatEncoder(req, { fetcher: this.deps.images, cfg: ctx.config.images }, this.deps.logger, ctx.requestId);
    // Groups that opted in resume a stream broken mid-answer on a prefill-capable fallback (R3).
    const cont = req.stream && ctx.config.models.get(req.model)?.streamRecovery === 'continue' ? new StreamContinuation(req, ctx, { fetcher: this.deps.images, cfg: ctx.config.images }) : undefined;
    const encode = (m: AnyProviderModule, d: DeploymentRuntime, track: Track) => (cont?.interrupted ? cont.encode(d, track) : encoder.encode(m, d, track));
    await this.#run(ctx, { kind: 'chat', req }, encode, async (m, d, res, track, admission) => {
      if (cont) return relayContinuableStream(ctx, req, d, res, track, this.deps.metrics, cont);
      const tm = translatorFor(d.provider.type, req.source.wire);
      if (tm) {
        return req.stream
          ? relayTranslatedStream(ctx, req, tm, d, res, track, this.deps.metrics)
          : relayTranslatedResponse(ctx, req, tm, res, track, (t) => withCost(t.receipt, t.usage, admission, d).costUsd);
      }
      if (isTranslating(m)) throw new UnsupportedParameterError('model', d.id, `(a ${req.source.wire} request) is not supported by`);
      if (!req.stream) {
        const text = await res.body.text();
        track.usage = m.decodeChat(text).usage;
        ctx.sink.send(200, { ...JSON_HEADERS, ...receiptHeaders(withCost(track.receipt, track.usage, admission, d)) }, text);
        return 200;
      }
      return relayStream(ctx, req, m, d, res, track, this.deps.metrics);
    }, cont);
  }

  async embeddings(ctx: RequestContext, req: EmbeddingsRequest): Promise<void> {
    await this.#run(ctx, { kind: 'embeddings', req }, (m, d) => m.encodeEmbeddings(req, d.provider, d.model), async (m, d, res, track, admission) => {
      const text = await res.body.text();
      let body = text;
      if (m.decodeEmbeddingsResult) {
        // The provider's own wire: re-encoded in OpenAI's shape. A wire without token counts is
        // billed on the tokenizer's count of the inputs, never as zero.
        // Headers too: Bedrock's Cohere models report their token count only in one.
        const r = m.decodeEmbeddingsResult(text, res.headers);
        track.usage = r.usage ?? { ...ZERO_USAGE, inputTokens: await estimateEmbeddingTokens(req) };
        const format = req.source.body['encoding_format'] === 'base64' ? 'base64' : 'float';
        body = encodeEmbeddingsResponse(r, req.model, format, track.usage.inputTokens);
      } else {
        track.usage = m.decodeEmbeddings(text).usage;
      }
      ctx.sink.send(200, { ...JSON_HEADERS, ...receiptHeaders(withCost(track.receipt, track.usage, admission, d)) }, body);
      return 200;
    });
  }

  async #run(
    ctx: RequestContext,
    request: RequestKind,
    encode: (m: AnyProviderModule, d: DeploymentRuntime, track: Track) => UpstreamRequest | Promise<UpstreamRequest>,
    onSuccess: (m: AnyProviderModule, d: DeploymentRuntime, res: UpstreamResponse, track: Track, admission: Admission) => Promise<number>,
    cont?: StreamContinuation,
  ): Promise<void> {
    const model = request.req.model;
    const track: Track = { usage: null, ttftMs: undefined, upstreamStatus: undefined, code: undefined, outputChunks: 0, receipt: {} };
    let deployment: DeploymentRuntime | undefined;
    let admission: Admission | undefined;
    let status = 500;
    let totalTimer: NodeJS.Timeout | undefined;
    let chosen: ((ms?: number) => void) | undefined;
    const attemptLog: AttemptRecord[] = [];
    const startedAt = Date.now();
    let estimated = false;
    try {
      const group = resolveGroup(ctx.config, ctx.principal, model, request.kind);
      // The plan is computed once (R1): the group's deployments by its strategy, then its fallback
      // groups', skipping open breakers and targets unfit for the request — each skip recorded with its reason.
      const plan = planAttempts({
        group,
        resolveGroup: (n) => ctx.config.models.get(n),
        health: healthSnapshot(planIds(group, ctx.config), (id) => this.#breakers.plannedState(id), this.#latency, (id) => this.#headroom.has(id)),
        random: Math.random,
        cursors: this.#cursors,
        hints: routingHints(ctx.clientHeaders),
        // Requests sharing a prompt prefix (or prompt_cache_key / user) go to the same healthy
        // deployment, so provider prompt caches warm (C3); the planner yields to open breakers.
        affinityKey: request.kind === 'chat' ? affinityKey(request.req) : undefined,
        // A deployment that cannot take the request (an image for a text-only model) is skipped, said (R4).
        capability: request.kind === 'chat' ? targetFit(request.req) : undefined,
        // Average of input and output list price per 1M tokens, in USD: what the cost strategy weighs.
        priceOf: (d) => {
          const p = priceFor(ctx.config, d.model);
          return p ? Number(p.input + p.output) / 2e9 : undefined;
        },
      });
      const skipped: SkippedTarget[] = [...plan.skipped];
      if (plan.attempts.length === 0) throw planExhausted(model, [], skipped, []);
      // The first choice counts as in flight from the moment it is chosen — not only once admission
      // is done — so a burst planned together spreads (least-busy) instead of piling on one idle target.
      const firstId = plan.attempts[0]!.deployment.id;
      chosen = this.#latency.begin(firstId);
      admission = await admit(this.deps.admission, ctx.config, ctx.principal, group, plan.attempts.map((a) => a.deployment), ctx.requestId, request, startedAt, { headers: ctx.clientHeaders });
      const enforcement = enforcementHeader(admission.enforcement);
      const signal = ctx.sink.signal;
      const failed: FailedAttempt[] = [];
      const refusals: GatewayError[] = [];
      this.#retryBudget.recordRequest();
      // Each attempt has its own provider's total; the request may take the longest of them.
      const deadline = performance.now() + requestTotalMs(plan.attempts.map((x) => x.deployment));
      totalTimer = setTimeout(() => ctx.sink.abort(new UpstreamUnavailableError('upstream_timeout', `the request did not finish within the total timeout`)), deadline - performance.now());
      attempts: for (let i = 0; i < plan.attempts.length; i++) {
        const a = plan.attempts[i]!;
        const d = a.deployment;
        for (let same = 0; ; same++) {
          if (!(await this.#breakers.admit(d))) {
            skipped.push({ deployment: d.id, group: a.group, kind: 'breaker_open', reason: 'circuit breaker open' });
            if (d.id === firstId && chosen) {
              chosen();
              chosen = undefined;
            }
            continue attempts;
          }
          deployment = d;
          track.receipt = { deployment: d.id, attempts: failed.length + 1, enforcement };
          const m = providerModule(d.provider.type);
          const t0 = performance.now();
          let begun: (ms?: number) => void;
          if (chosen !== undefined && d.id === firstId) [begun, chosen] = [chosen, undefined];
          else begun = this.#latency.begin(d.id);
          let ended = false;
          const done = (ms?: number) => {
            if (!ended) {
              ended = true;
              begun(ms);
            }
          };
          const attempt = attemptDeadline(signal, d.provider.timeouts.totalMs, d.id, deadline - performance.now());
          /** The provider's Retry-After to the millisecond (retry-after-ms, seconds or HTTP date). */
          let hintMs: number | undefined;
          /** The provider took this attempt on (2xx): from then on it bills it, whatever happens next. */
          let answered = false;
          try {
            // Encoded afresh from the frozen request for every attempt (R4).
            const encoded = await encode(m, d, track);
            // Signing (Bedrock SigV4) comes last: it covers the exact bytes sent, and its date is now.
            const upstreamReq = m.sign ? await m.sign(encoded, d.provider, Date.now()) : encoded;
            const res = await callUpstream(this.deps.pools.get(d.provider), upstreamReq, forwardedHeaders(ctx.clientHeaders, d.provider), d.provider.timeouts, attempt.signal, d.id);
            track.upstreamStatus = res.status;
            answered = res.status < 400;
            this.deps.metrics.observeUpstream(d.id, res.status, (performance.now() - t0) / 1000);
            if (res.status >= 400) {
              const body = await res.body.text().catch(() => '');
              hintMs = parseRetryAfterMs(res.headers, Date.now());
              throw m.mapError({ status: res.status, headers: res.headers, body, now: Date.now() });
            }
            done(performance.now() - t0);
            // Streams send nothing to the client before the first upstream frame, so a failure up to
            // then still falls back like any other; after it, the relay ends with an error event.
            status = await onSuccess(m, d, res, track, admission);
            // A stream that broke after its first byte is the deployment's failure; a client that left is not.
            void this.#breakers.record(d, track.code === undefined || track.code === 'client_closed');
            attemptLog.push({ deployment: d.id, status: res.status, code: track.code ?? null, latencyMs: performance.now() - t0, ...cont?.takeAttemptMark() });
          } catch (err) {
            done();
            const e = ctx.sink.headersSent ? upstreamFailure(err, d.id, attempt.signal) : toGatewayError(err);
            // The encoder refused this target (a parameter it cannot honour): nothing was sent, so
            // skip it with the reason and try the next; a 400 only when no target can serve (R7).
            if (isTargetRefusal(e) && !ctx.sink.clientGone) {
              skipped.push(refusalSkip(d.id, a.group, e));
              refusals.push(e);
              continue attempts;
            }
            // Bytes already reached the client, the client left, or no target can take the request: final —
            // unless the group continues broken streams and this one can be continued (R3).
            const resuming = ctx.sink.headersSent && cont?.interrupted === true;
            if ((ctx.sink.headersSent && !resuming) || ctx.sink.clientGone || FINAL_CODES.has(e.code)) throw e;
            // Answered, then failed before the client saw a byte (a stall, a broken body): the
            // provider billed it, so it is billed too, on top of whatever attempt comes next (M10).
            if (answered) {
              if (!track.usage) estimated = true;
              admission.chargeAttempt(d, track.usage ?? (await this.#estimate(ctx, request, d, track.outputChunks)));
            }
            track.usage = null;
            track.outputChunks = 0;
            attemptLog.push({ deployment: d.id, status: e.status, code: e.code, latencyMs: performance.now() - t0, ...cont?.takeAttemptMark() });
            failed.push(failedAttempt(d.id, e, performance.now() - t0));
            // Only the deployment's own failures count against its breaker, not the client's (4xx).
            const cooldownMs = hintMs ?? (e.retryAfterSeconds === undefined ? undefined : e.retryAfterSeconds * 1000);
            if (e.retryable) await this.#breakers.record(d, false, cooldownMs);
            if (e.status === 429) this.#headroom.exhausted(d.id, cooldownMs);
            // Retries are capped at a share of recent traffic, so a failing provider cannot cause a storm.
            const step = decideNextStep({ err: e, sameTargetRetries: same, hasNextTarget: i + 1 < plan.attempts.length, hintMs, remainingMs: deadline - performance.now(), acquireBudget: () => this.#retryBudget.tryAcquire() });
            if (step.action === 'retry_same') {
              await new Promise((r) => setTimeout(r, step.delayMs));
              continue;
            }
            if (step.action === 'next_target') continue attempts;
            if (failed.length === 1 && (step.reason === 'not_retryable' || resuming)) throw e;
            throw new AllAttemptsFailedError(model, failed, skipped);
          } finally {
            attempt.clear();
          }
          break attempts;
        }
      }
      if (status === 500 && !ctx.sink.headersSent) throw planExhausted(model, failed, skipped, refusals);
      // A broken stream no target could continue ends with its own error (or with every attempt's).
      if (cont?.interrupted) throw failed.length === 1 ? cont.interruption! : new AllAttemptsFailedError(model, failed, skipped);
    } catch (err) {
      const e = toGatewayError(err);
      status = e.status;
      track.code = e.code;
      if (e.code === 'internal_error') this.deps.logger.error({ err, request_id: ctx.requestId }, 'internal error');
      if (!ctx.sink.headersSent && !ctx.sink.clientGone) sendError(ctx.requestId, ctx.sink, e, track.receipt, ctx.wire);
      else if (!ctx.sink.headersSent) status = 499;
      else cont?.fail(e);
    } finally {
      clearTimeout(totalTimer);
      chosen?.(); // chosen but never called (refused at admission, skipped)
      await this.#finish(ctx, request, { deployment, admission, status, track, attemptLog, startedAt, estimated });
    }
  }

  /**
   * Bills what the provider billed, and records the request once: metrics, a log line, a ledger row.
   * A stream that broke before its usage chunk still cost what the provider generated (M10): the
   * output seen is billed as one token per output chunk, on top of the prompt — said, not hidden.
   */
  async #finish(ctx: RequestContext, request: RequestKind, r: Finished): Promise<void> {
    const { deployment, admission, track } = r;
    let estimated = r.estimated;
    if (!track.usage && track.outputChunks > 0) {
      track.usage = await this.#estimate(ctx, request, deployment, track.outputChunks);
      estimated = true;
    }
    const settled = admission ? await admission.settle(track.usage, deployment) : { costNanos: 0n, charged: [], usage: track.usage, recorded: false };
    const model = request.req.model;
    const o: RequestOutcome = {
      requestId: ctx.requestId,
      route: ctx.route,
      keyName: ctx.principal.keyName,
      model: ctx.config.models.has(model) ? model : 'unknown',
      deployment: deployment?.id,
      status: r.status,
      code: track.code,
      usage: settled.usage,
      attempts: r.attemptLog.length,
      attemptLog: r.attemptLog,
      latencyMs: performance.now() - ctx.receivedAt,
      ttftMs: track.ttftMs,
      stream: request.kind === 'chat' && request.req.stream,
      upstreamStatus: track.upstreamStatus,
    };
    recordOutcome(this.deps.metrics, this.deps.logger, o);
    const unpriced = admission !== undefined && deployment !== undefined && priceFor(ctx.config, deployment.model) === undefined && track.usage !== null;
    this.deps.ledger.write(ctx, o, { deployment, costNanos: settled.costNanos, startedAt: r.startedAt, unpriced, usageEstimated: estimated, attribution: admission?.attribution, charged: settled.charged });
  }

  /** The gateway's estimate of what a provider billed but never reported: counted and logged. */
  async #estimate(ctx: RequestContext, request: RequestKind, d: DeploymentRuntime | undefined, outputChunks: number): Promise<Usage> {
    const usage = await estimatedUsage(request, outputChunks);
    this.deps.metrics.usageEstimated.inc({ deployment: d?.id ?? 'none' });
    this.deps.logger.warn({ request_id: ctx.requestId, deployment: d?.id, output_chunks: outputChunks, input_tokens: usage.inputTokens }, 'the provider reported no usage: billed on the gateway\'s estimate');
    return usage;
  }
}

/** What #run hands to #finish. */
interface Finished {
  readonly deployment: DeploymentRuntime | undefined;
  readonly admission: Admission | undefined;
  readonly status: number;
  readonly track: Track;
  readonly attemptLog: readonly AttemptRecord[];
  readonly startedAt: number;
  /** An attempt before the last was billed on an estimate. */
  readonly estimated: boolean;
}

function withCost(r: Receipt, usage: Usage | null, a: Admission, d: DeploymentRuntime): Receipt {
  const costUsd = usage ? a.receiptCostUsd(usage, d) : undefined;
  return costUsd === undefined ? r : { ...r, costUsd };
}
