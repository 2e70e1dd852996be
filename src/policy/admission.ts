// Admission: every scope that applies to a request (admission-scopes.ts) is checked and reserved —
// budgets at the worst-case cost, RPM, TPM at the estimated tokens, concurrency — and settled later
// to what the provider billed (M2–M5, M9, M10). An organisation's scopes are reserved in ONE atomic
// CounterStore call; provider budgets (global, so under another hash tag) in one more, made first,
// so a refusal there leaves no trace on the org's counters.
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, EmbeddingsRequest } from '../core/chat.js';
import {
  BudgetExceededError,
  NoPriceForModelError,
  RateLimitedError,
  StateUnavailableError,
  GatewayError,
} from '../core/errors.js';
import { nanosToUsdString, type Nanos } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import type { DeploymentRuntime, ModelGroupRuntime, PriceRuntime, RuntimeConfig } from '../config/runtime.js';
import type { CounterStore, ReserveRefused } from '../state/counter-store.js';
import { budgetRetryAfterSeconds, periodLabel } from './budget-period.js';
import { billedScopes, planScopes, PROVIDER_ORG, type PlannedScope, type ScopePlan } from './admission-scopes.js';
import type { GovernedPrincipal } from './governed-principal.js';
import { usageCost, worstCaseCost } from './pricing/cost.js';
import { priceFor } from './pricing/price-lookup.js';
import { attributionOf, type RequestAttribution } from './request-attribution.js';
import { estimateChatInputTokens, estimateEmbeddingTokens } from './token-estimate.js';

/** Fallback output limit when neither the request nor the price table gives one. */
const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;

export type EnforcementMode = 'exact' | 'none' | 'degraded';

export interface Enforcement {
  readonly budget: EnforcementMode;
  readonly rpm: EnforcementMode;
  readonly tpm: EnforcementMode;
  readonly concurrency: EnforcementMode;
}

export interface Admission {
  readonly enforcement: Enforcement;
  /** The dearest price among the planned deployments (the one the reservation used). */
  readonly price: PriceRuntime | undefined;
  /** Worst-case cost reserved (0 when no budget applies). */
  readonly reservedNanos: Nanos;
  readonly scopes: readonly string[];
  /** End user and tags, for the ledger row. */
  readonly attribution: RequestAttribution;
  /**
   * Settles to the provider-reported usage at the serving deployment's price (null = nothing
   * billed), on the scopes of the deployment that served (`served`, else AdmitOptions.served, else
   * the first planned). Idempotent; never throws.
   */
  settle(usage: Usage | null, price: PriceRuntime | undefined, served?: DeploymentRuntime): Promise<SettleOutcome>;
}

export interface SettleOutcome {
  readonly costNanos: Nanos;
  /** False when the state store could not record it (degraded); the ledger still has the cost. */
  readonly recorded: boolean;
}

export interface AdmissionDeps {
  readonly store: CounterStore;
  /** Called when the store is unreachable and the config says fail open. */
  onDegraded(err: StateUnavailableError, phase: 'reserve' | 'settle'): void;
}

export interface AdmitOptions {
  /** The client's headers: `x-tollgate-end-user` and `x-tollgate-tags`. */
  readonly headers?: IncomingHttpHeaders;
  /** Which planned deployment served the request, asked at settlement. */
  readonly served?: () => DeploymentRuntime | undefined;
}

type Request = { readonly kind: 'chat'; readonly req: ChatRequest } | { readonly kind: 'embeddings'; readonly req: EmbeddingsRequest };

interface Reservation {
  readonly id: string;
  readonly scopes: readonly PlannedScope[];
}

export async function admit(
  deps: AdmissionDeps,
  cfg: RuntimeConfig,
  principal: GovernedPrincipal,
  group: ModelGroupRuntime,
  /** Every deployment the attempt plan may call: the reservation covers the dearest. */
  deployments: readonly DeploymentRuntime[],
  requestId: string,
  request: Request,
  now: number,
  opts: AdmitOptions = {},
): Promise<Admission> {
  const attribution = attributionOf(cfg, principal, opts.headers ?? {}, request.req.user);
  const plan = planScopes(cfg, principal, group, deployments, attribution, now);
  const all = [...plan.orgScopes, ...plan.providerScopes];
  const budgetScope = all.find((s) => s.request.budgetNanos !== undefined)?.request.scope;
  const anyBudget = budgetScope !== undefined;
  const anyTpm = all.some((s) => s.request.tpm !== undefined);

  let price: PriceRuntime | undefined;
  for (const d of deployments) {
    const p = priceFor(cfg, d.model);
    if (anyBudget && !p) throw new NoPriceForModelError(d.model, budgetScope);
    if (p && (!price || p.input + p.output > price.input + price.output)) price = p;
  }

  let costNanos = 0n;
  let tokens = 0;
  if (anyBudget || anyTpm) {
    const input = request.kind === 'chat' ? await estimateChatInputTokens(request.req) : await estimateEmbeddingTokens(request.req);
    const maxOut = request.kind === 'chat' ? (request.req.maxOutputTokens ?? price?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS) * (request.req.n ?? 1) : 0;
    tokens = input + maxOut;
    if (anyBudget && price) costNanos = worstCaseCost(input, maxOut, price);
  }

  const mode = (on: boolean): EnforcementMode => (on ? 'exact' : 'none');
  let enforcement: Enforcement = {
    budget: mode(anyBudget),
    rpm: mode(all.some((s) => s.request.rpm !== undefined)),
    tpm: mode(anyTpm),
    concurrency: mode(all.some((s) => s.request.maxParallel !== undefined)),
  };

  const reservations: Reservation[] = [];
  // The reservation ids differ by org, so one request id serves both reservations.
  const reserve = async (org: string, scopes: readonly PlannedScope[]): Promise<void> => {
    if (scopes.length === 0) return;
    const r = await deps.store.reserve({ org, requestId, costNanos, tokens, scopes: scopes.map((s) => s.request) });
    if (!r.ok) throw refusal(r, scopes.find((s) => s.request.scope === r.scope)?.limits, cfg, now);
    reservations.push({ id: r.reservationId, scopes });
  };
  try {
    await reserve(PROVIDER_ORG, plan.providerScopes);
    await reserve(plan.org, plan.orgScopes);
  } catch (err) {
    // Whatever was reserved before the refusal (or the outage) is given back.
    await Promise.all(reservations.splice(0).map((r) => deps.store.release(r.id).catch(() => undefined)));
    if (!(err instanceof StateUnavailableError) || !cfg.governance.failOpen) throw err;
    deps.onDegraded(err, 'reserve');
    const d = (m: EnforcementMode): EnforcementMode => (m === 'exact' ? 'degraded' : m);
    enforcement = { budget: d(enforcement.budget), rpm: d(enforcement.rpm), tpm: d(enforcement.tpm), concurrency: d(enforcement.concurrency) };
  }

  let settled: Promise<SettleOutcome> | undefined;
  return {
    enforcement,
    price,
    reservedNanos: costNanos,
    scopes: all.map((s) => s.request.scope),
    attribution,
    settle(usage, servedPrice, served) {
      settled ??= settleAll(deps, plan, reservations, usage, servedPrice, served ?? opts.served?.() ?? deployments[0]);
      return settled;
    },
  };
}

async function settleAll(deps: AdmissionDeps, plan: ScopePlan, reservations: readonly Reservation[], usage: Usage | null, price: PriceRuntime | undefined, served: DeploymentRuntime | undefined): Promise<SettleOutcome> {
  const cost = usage && price ? usageCost(usage, price) : 0n;
  if (reservations.length === 0) return { costNanos: cost, recorded: false };
  const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
  let recorded = true;
  await Promise.all(
    reservations.map(async (r) => {
      // Only contingent scopes make a partial bill; without any, bill the whole reservation.
      const partial = r.scopes.some((s) => s.contingentOn !== undefined);
      try {
        await deps.store.settle(r.id, { costNanos: cost, tokens, ...(partial ? { scopes: billedScopes(plan, r.scopes, served) } : {}) });
      } catch (err) {
        if (err instanceof StateUnavailableError) deps.onDegraded(err, 'settle');
        recorded = false;
      }
    }),
  );
  return { costNanos: cost, recorded };
}

function refusal(r: ReserveRefused, limits: Parameters<typeof periodLabel>[0], cfg: RuntimeConfig, now: number): GatewayError {
  if (r.limit === 'budget') {
    return new BudgetExceededError({
      scope: r.scope,
      limitUsd: nanosToUsdString(r.limitValue),
      spentUsd: nanosToUsdString(r.current),
      requestUsd: nanosToUsdString(r.requested),
      period: periodLabel(limits),
      retryAfterSeconds: budgetRetryAfterSeconds(limits, cfg.governance.timeZone, now),
    });
  }
  return new RateLimitedError({
    limit: r.limit,
    scope: r.scope,
    limitValue: r.limitValue,
    current: r.current,
    requested: r.requested,
    retryAfterSeconds: r.retryAfterMs === null ? undefined : Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
  });
}

export function enforcementHeader(e: Enforcement | undefined): string {
  if (!e) return 'auth=key; budget=none; rpm=none; tpm=none; concurrency=none; guardrails=none';
  return `auth=key; budget=${e.budget}; rpm=${e.rpm}; tpm=${e.tpm}; concurrency=${e.concurrency}; guardrails=none`;
}
