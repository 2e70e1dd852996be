// Admission: every scope that applies to a request (admission-scopes.ts) is checked and reserved —
// budgets at the worst-case cost, RPM, TPM at the estimated tokens, concurrency — and settled later
// to what the provider billed, attempt by attempt (admission-settlement.ts; M2–M5, M9, M10). An
// organisation's scopes are reserved in ONE atomic CounterStore call; provider budgets (global, so
// under another hash tag) in one more, made first, so a refusal there leaves no trace on the org's
// counters.
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
import { reservationIdFor } from '../state/reserve-request.js';
import { budgetRetryAfterSeconds, periodLabel } from './budget-period.js';
import { planScopes, PROVIDER_ORG, type PlannedScope } from './admission-scopes.js';
import { chargeCost, settleReservations, type Charge, type Reservation, type SettleOutcome } from './admission-settlement.js';
import type { GovernedPrincipal } from './governed-principal.js';
import { worstCaseCost } from './pricing/cost.js';
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

export type { Charge, SettleOutcome } from './admission-settlement.js';

export interface Admission {
  readonly enforcement: Enforcement;
  /** Worst-case cost reserved: the dearest planned deployment's (0 when no budget applies). */
  readonly reservedNanos: Nanos;
  readonly scopes: readonly string[];
  /** End user and tags, for the ledger row. */
  readonly attribution: RequestAttribution;
  /**
   * An attempt the provider billed although the request went on to another attempt (it answered
   * 2xx, then failed before the first byte reached the client): it is settled with the rest.
   */
  chargeAttempt(deployment: DeploymentRuntime, usage: Usage): void;
  /** The request's cost so far plus `usage` on `deployment`, for the receipt; undefined when unpriced. */
  receiptCostUsd(usage: Usage, deployment: DeploymentRuntime): string | undefined;
  /**
   * Settles every charged attempt plus the final one (`usage` on `served`; null = nothing billed)
   * at each deployment's price. Idempotent: later calls return the first outcome. Never throws.
   */
  settle(usage: Usage | null, served: DeploymentRuntime | undefined): Promise<SettleOutcome>;
}

export interface AdmissionDeps {
  readonly store: CounterStore;
  /** Called when the store is unreachable and the config says fail open. */
  onDegraded(err: StateUnavailableError, phase: 'reserve' | 'settle'): void;
}

export interface AdmitOptions {
  /** The client's headers: `x-tollgate-end-user` and `x-tollgate-tags`. */
  readonly headers?: IncomingHttpHeaders;
}

type Request = { readonly kind: 'chat'; readonly req: ChatRequest } | { readonly kind: 'embeddings'; readonly req: EmbeddingsRequest };

interface WorstCase {
  readonly costNanos: Nanos;
  /** Estimated input + the most output any planned deployment may produce. */
  readonly tokens: number;
}

/**
 * The most the request can cost and use, over every deployment its plan may reach: input estimated
 * with a real tokenizer, output at `max_tokens` × n, else the deployment's output limit from the
 * price table — each at that deployment's own (dearest-class) prices. A cheap fallback with a huge
 * output limit can cost more than a dear primary with a small one, so each is computed, not guessed.
 */
async function worstCase(request: Request, deployments: readonly DeploymentRuntime[], prices: ReadonlyMap<DeploymentRuntime, PriceRuntime | undefined>, needCost: boolean): Promise<WorstCase> {
  const input = request.kind === 'chat' ? await estimateChatInputTokens(request.req) : await estimateEmbeddingTokens(request.req);
  let costNanos = 0n;
  let maxOut = 0;
  for (const d of deployments) {
    const price = prices.get(d);
    const out = request.kind === 'chat' ? (request.req.maxOutputTokens ?? price?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS) * (request.req.n ?? 1) : 0;
    if (out > maxOut) maxOut = out;
    if (needCost && price) {
      const c = worstCaseCost(input, out, price);
      if (c > costNanos) costNanos = c;
    }
  }
  return { costNanos, tokens: input + maxOut };
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

  const prices = new Map<DeploymentRuntime, PriceRuntime | undefined>();
  for (const d of deployments) {
    const p = priceFor(cfg, d.model);
    // Never billed as $0 (M6): a budget that cannot price a deployment it may reach refuses.
    if (anyBudget && !p) throw new NoPriceForModelError(d.model, budgetScope);
    prices.set(d, p);
  }

  const { costNanos, tokens } = anyBudget || anyTpm ? await worstCase(request, deployments, prices, anyBudget) : { costNanos: 0n, tokens: 0 };

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
    let r;
    try {
      r = await deps.store.reserve({ org, requestId, costNanos, tokens, scopes: scopes.map((s) => s.request), leaseTtlMs: cfg.governance.leaseTtlMs });
    } catch (err) {
      // A reserve that timed out may still have run on the server: give it back by its derived id
      // (a no-op if it never ran), rather than hold budget and slots until the lease lapses.
      if (err instanceof StateUnavailableError) void deps.store.release(reservationIdFor(org, requestId)).catch(() => undefined);
      throw err;
    }
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

  const charges: Charge[] = [];
  let settled: Promise<SettleOutcome> | undefined;
  return {
    enforcement,
    reservedNanos: costNanos,
    scopes: all.map((s) => s.request.scope),
    attribution,
    chargeAttempt(deployment, usage) {
      if (settled === undefined) charges.push({ deployment, usage });
    },
    receiptCostUsd(usage, deployment) {
      if (!priceFor(cfg, deployment.model)) return undefined;
      const total = [...charges, { deployment, usage }].reduce((sum, c) => sum + chargeCost(cfg, c), 0n);
      return nanosToUsdString(total);
    },
    settle(usage, served) {
      settled ??= settleReservations(deps.store, deps.onDegraded, cfg, plan, reservations, charges, usage && served ? { deployment: served, usage } : undefined);
      return settled;
    },
  };
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
    // A concurrency slot frees when a request in flight ends, which the store cannot foresee: one
    // second is an honest hint. A TPM request larger than the limit has none: waiting never helps.
    retryAfterSeconds: r.retryAfterMs !== null ? Math.max(1, Math.ceil(r.retryAfterMs / 1000)) : r.limit === 'concurrency' ? 1 : undefined,
  });
}

export function enforcementHeader(e: Enforcement | undefined): string {
  if (!e) return 'auth=key; budget=none; rpm=none; tpm=none; concurrency=none; guardrails=none';
  return `auth=key; budget=${e.budget}; rpm=${e.rpm}; tpm=${e.tpm}; concurrency=${e.concurrency}; guardrails=none`;
}
