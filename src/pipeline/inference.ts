// The request lifecycle for inference routes: resolve the model, choose a deployment, admit
// (reserve budgets and limits atomically), encode, call upstream, decode, relay, settle to what
// the provider billed, and record what happened. The only place that sequences I/O.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ChatRequest, EmbeddingsRequest, Wire } from '../core/chat.js';
import { GatewayError, InvalidRequestError, ModelNotAllowedError, ModelNotFoundError, toGatewayError, UnsupportedParameterError, UpstreamUnavailableError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { DeploymentRuntime, ModelGroupRuntime, RuntimeConfig } from '../config/runtime.js';
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
import { RoundRobinCursors } from '../router/strategies/round-robin.js';
import type { RoutingHints } from '../router/strategies/strategy.js';
import type { BreakerStateName } from '../state/counter-store.js';
import { priceFor } from '../policy/pricing/price-lookup.js';
import type { Metrics } from '../telemetry/metrics.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import { estimateEmbeddingTokens } from '../policy/token-estimate.js';
import { encodeEmbeddingsResponse } from '../surfaces/embeddings/encode.js';
import { ChatEncoder } from './chat-encoder.js';
import type { ImageFetcher } from './image-fetch.js';
import { forwardedHeaders } from './forward-headers.js';
import type { LedgerSink } from './ledger-sink.js';
import { recordOutcome, type AttemptRecord, type RequestOutcome } from './outcome.js';
import { receiptHeaders, type Receipt } from './receipt.js';
import type { ResponseSink } from './response-sink.js';
import { relayStream } from './stream-relay.js';
import { relayTranslatedResponse, relayTranslatedStream } from './translated-relay.js';
import { relayContinuableStream } from './continuable-relay.js';
import { StreamContinuation } from './stream-continuation.js';
import { clientWire } from './client-wire.js';
import { callUpstream, upstreamFailure, type UpstreamResponse } from './upstream-call.js';
import { attemptDeadline, requestTotalMs } from './attempt-deadline.js';
import type { UpstreamPools } from './upstream-pools.js';

export interface RequestContext {
  readonly requestId: string;
  /** The client's wire (from the surface): errors and translated answers are written in it. */
  readonly wire: Wire;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
  readonly route: string;
  readonly config: RuntimeConfig;
  readonly principal: Principal;
  readonly clientHeaders: IncomingHttpHeaders;
  readonly sink: ResponseSink;
}

export interface PipelineDeps {
  readonly pools: UpstreamPools;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly admission: AdmissionDeps;
  readonly ledger: LedgerSink;
  /** Fetches image URLs for providers that only take inline bytes. */
  readonly images: ImageFetcher;
}

/** Mutable per-request facts gathered while the response is produced. */
export interface Track {
  usage: Usage | null;
  ttftMs: number | undefined;
  upstreamStatus: number | undefined;
  code: string | undefined;
  /** Stream chunks that carried output: the output estimate when a stream ends without usage. */
  outputChunks: number;
  receipt: Receipt;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Errors about the request itself: no other target would do better, so no retry and no fallback.
 * (`unsupported_parameter` is about one target: that target is skipped and the next one tried.)
 */
const FINAL_CODES: ReadonlySet<string> = new Set(['invalid_request', 'image_url_forbidden', 'image_fetch_failed', 'image_too_large']);

type Kind = { readonly kind: 'chat'; readonly req: ChatRequest } | { readonly kind: 'embeddings'; readonly req: EmbeddingsRequest };

/** How long a closed, failure-free breaker state seen by this replica is trusted without asking the store. */
const BREAKER_FRESH_MS = 1_000;

export class InferencePipeline {
  readonly #latency = new LatencyTracker();
  readonly #cursors = new RoundRobinCursors();
  /** Retries may be at most 20 % of the last 10 s of requests (at least 3 per second). */
  readonly #retryBudget = new RetryBudget();
  /** Deployments that answered 429 lately: prompt-cache affinity yields to them (C3). */
  readonly #headroom = new HeadroomTracker();
  /** Last breaker state seen per deployment (for planning, and to skip the store when fresh). */
  readonly #breakers = new Map<string, { state: BreakerStateName; failures: number; at: number; openUntil: number | null }>();

  constructor(private readonly deps: PipelineDeps) {}

  /**
   * Asks the state store before calling a deployment — unless this replica saw it closed and
   * failure-free less than a second ago: a breaker opened elsewhere is then seen within a second
   * (issue 4's bound), and the steady state costs no state-store call.
   */
  async #breakerAdmit(d: DeploymentRuntime): Promise<boolean> {
    const seen = this.#breakers.get(d.id);
    if (seen && seen.state === 'closed' && seen.failures === 0 && Date.now() - seen.at < BREAKER_FRESH_MS) return true;
    try {
      const a = await this.deps.admission.store.breakerAdmit(d.id, d.provider.breaker);
      const now = Date.now();
      this.#breakers.set(d.id, { state: a.state, failures: a.state === 'closed' ? (seen?.failures ?? 0) : 1, at: now, openUntil: a.retryAfterMs !== null && a.state === 'open' ? now + a.retryAfterMs : null });
      return a.allowed;
    } catch {
      return true; // breakers are a health hint: an unreachable store never blocks a call
    }
  }

  /**
   * The breaker state to plan with. An open breaker seen here is planned as half-open once its
   * cooldown has passed, so this replica sends its probe (the store decides who probes) instead of
   * skipping the deployment for ever on a stale memory.
   */
  #plannedBreakerState(id: string): BreakerStateName | undefined {
    const seen = this.#breakers.get(id);
    if (seen?.state === 'open' && seen.openUntil !== null && Date.now() >= seen.openUntil) return 'half_open';
    return seen?.state;
  }

  /** `cooldownMs`: the provider's Retry-After for this failure (it can only lengthen a cooldown). */
  async #recordOutcome(d: DeploymentRuntime, ok: boolean, cooldownMs?: number): Promise<void> {
    const seen = this.#breakers.get(d.id);
    // A success on a deployment known closed with no failure changes nothing in the store — unless
    // a failure-rate window counts it: skipping successes there would inflate the failure ratio.
    if (ok && !d.provider.breaker.failureRate && seen && seen.state === 'closed' && seen.failures === 0 && Date.now() - seen.at < BREAKER_FRESH_MS) return;
    try {
      const snap = await this.deps.admission.store.recordOutcome({ deployment: d.id, ok, policy: d.provider.breaker, ...(cooldownMs ? { cooldownMs } : {}) });
      this.#breakers.set(d.id, { state: snap.state, failures: snap.consecutiveFailures, at: Date.now(), openUntil: snap.openUntil });
    } catch {
      // Same as above: recorded next time.
    }
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
    request: Kind,
    encode: (m: AnyProviderModule, d: DeploymentRuntime, track: Track) => UpstreamRequest | Promise<UpstreamRequest>,
    onSuccess: (m: AnyProviderModule, d: DeploymentRuntime, res: UpstreamResponse, track: Track, admission: Admission) => Promise<number>,
    cont?: StreamContinuation,
  ): Promise<void> {
    const model = request.req.model;
    const stream = request.kind === 'chat' && request.req.stream;
    const track: Track = { usage: null, ttftMs: undefined, upstreamStatus: undefined, code: undefined, outputChunks: 0, receipt: {} };
    let deployment: DeploymentRuntime | undefined;
    let admission: Admission | undefined;
    let status = 500;
    let totalTimer: NodeJS.Timeout | undefined;
    let chosen: ((ms?: number) => void) | undefined;
    const attemptLog: AttemptRecord[] = [];
    const startedAt = Date.now();
    try {
      const group = resolveGroup(ctx, model, request.kind);
      // The plan is computed once (R1): the group's deployments by its strategy, then its fallback
      // groups', skipping open breakers and targets unfit for the request — each skip recorded with its reason.
      const plan = planAttempts({
        group,
        resolveGroup: (n) => ctx.config.models.get(n),
        health: healthSnapshot(planIds(group, ctx.config), (id) => this.#plannedBreakerState(id), this.#latency, (id) => this.#headroom.has(id)),
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
          if (!(await this.#breakerAdmit(d))) {
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
            void this.#recordOutcome(d, track.code === undefined || track.code === 'client_closed');
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
            if (answered) admission.chargeAttempt(d, track.usage ?? (await partialUsage(request, track.outputChunks)));
            track.usage = null;
            track.outputChunks = 0;
            attemptLog.push({ deployment: d.id, status: e.status, code: e.code, latencyMs: performance.now() - t0, ...cont?.takeAttemptMark() });
            failed.push(failedAttempt(d.id, e, performance.now() - t0));
            // Only the deployment's own failures count against its breaker, not the client's (4xx).
            const cooldownMs = hintMs ?? (e.retryAfterSeconds === undefined ? undefined : e.retryAfterSeconds * 1000);
            if (e.retryable) await this.#recordOutcome(d, false, cooldownMs);
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
      // A stream that broke before its usage chunk still cost what the provider generated (M10):
      // bill the output seen, as one token per output chunk, on top of the prompt.
      if (!track.usage && track.outputChunks > 0) track.usage = await partialUsage(request, track.outputChunks);
      const servedPrice = deployment ? priceFor(ctx.config, deployment.model) : undefined;
      const settled = admission ? await admission.settle(track.usage, deployment) : { costNanos: 0n, charged: [], usage: track.usage, recorded: false };
      const o: RequestOutcome = {
        requestId: ctx.requestId,
        route: ctx.route,
        keyName: ctx.principal.keyName,
        model: ctx.config.models.has(model) ? model : 'unknown',
        deployment: deployment?.id,
        status,
        code: track.code,
        usage: settled.usage,
        attempts: attemptLog.length,
        attemptLog,
        latencyMs: performance.now() - ctx.receivedAt,
        ttftMs: track.ttftMs,
        stream,
        upstreamStatus: track.upstreamStatus,
      };
      recordOutcome(this.deps.metrics, this.deps.logger, o);
      this.deps.ledger.write(ctx, o, deployment, settled.costNanos, startedAt, admission !== undefined && servedPrice === undefined && track.usage !== null, admission?.attribution, settled.charged);
    }
  }
}

async function partialUsage(request: Kind, outputChunks: number): Promise<Usage> {
  const { estimateChatInputTokens } = await import('../policy/token-estimate.js');
  const input = request.kind === 'chat' ? await estimateChatInputTokens(request.req) : 0;
  return { inputTokens: input, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: outputChunks, reasoningTokens: 0 };
}

function withCost(r: Receipt, usage: Usage | null, a: Admission, d: DeploymentRuntime): Receipt {
  const costUsd = usage ? a.receiptCostUsd(usage, d) : undefined;
  return costUsd === undefined ? r : { ...r, costUsd };
}

/** `x-tollgate-task` and `x-tollgate-max-latency-ms`: what the cost strategy optimises for. */
function routingHints(h: IncomingHttpHeaders): RoutingHints {
  const task = h['x-tollgate-task'];
  const max = Number(h['x-tollgate-max-latency-ms']);
  return {
    ...(typeof task === 'string' && task !== '' ? { task } : {}),
    ...(Number.isFinite(max) && max > 0 ? { maxLatencyMs: max } : {}),
  };
}

/** Every deployment id a plan for `group` could include (its own and its fallbacks', transitively). */
function planIds(group: ModelGroupRuntime, cfg: RuntimeConfig): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const visit = (g: ModelGroupRuntime | undefined) => {
    if (!g || seen.has(g.name)) return;
    seen.add(g.name);
    for (const d of g.deployments) ids.push(d.id);
    for (const f of g.fallbacks) visit(cfg.models.get(f));
  };
  visit(group);
  return ids;
}

function resolveGroup(ctx: RequestContext, model: string, kind: 'chat' | 'embeddings'): ModelGroupRuntime {
  const group = ctx.config.models.get(model);
  if (!group) throw new ModelNotFoundError(model);
  if (ctx.principal.models && !ctx.principal.models.has(model) && !ctx.principal.models.has(group.name)) throw new ModelNotAllowedError(model);
  if (group.kind !== kind) {
    throw new InvalidRequestError(`The model '${model}' serves ${group.kind}, not ${kind}`, 'model', 'wrong_model_kind');
  }
  return group;
}

export function sendError(requestId: string, sink: ResponseSink, e: GatewayError, receipt: Receipt = {}, wire: Wire = 'openai-chat'): void {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...receiptHeaders(receipt) };
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
  const w = clientWire(wire);
  sink.send(w.errorStatus(e), headers, w.errorBody(e, requestId));
}
