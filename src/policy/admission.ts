// Admission: every scope that applies to a request (key, user, team, org, model group) is checked
// and reserved in ONE atomic CounterStore call — budgets at the worst-case cost, RPM, TPM at the
// estimated tokens, concurrency — and settled later to what the provider billed (M2–M5, M9, M10).
import type { ChatRequest, EmbeddingsRequest } from '../core/chat.js';
import {
  BudgetExceededError,
  NoPriceForModelError,
  RateLimitedError,
  StateUnavailableError,
  GatewayError,
} from '../core/errors.js';
import { nanosToUsdString, type Nanos } from '../core/money.js';
import type { Principal } from '../core/principal.js';
import type { Usage } from '../core/usage.js';
import type { BudgetPeriod } from '../core/limits.js';
import type { DeploymentRuntime, ModelGroupRuntime, PriceRuntime, RuntimeConfig } from '../config/runtime.js';
import type { CounterStore, ScopeRequest } from '../state/counter-store.js';
import { periodId, secondsUntilPeriodEnd } from './budget-period.js';
import { usageCost, worstCaseCost } from './pricing/cost.js';
import { priceFor } from './pricing/price-lookup.js';
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
  /** Settles to the provider-reported usage at the serving deployment's price (null = nothing billed). Idempotent; never throws. */
  settle(usage: Usage | null, price: PriceRuntime | undefined): Promise<SettleOutcome>;
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

type Request = { readonly kind: 'chat'; readonly req: ChatRequest } | { readonly kind: 'embeddings'; readonly req: EmbeddingsRequest };

export async function admit(
  deps: AdmissionDeps,
  cfg: RuntimeConfig,
  principal: Principal,
  group: ModelGroupRuntime,
  /** Every deployment the attempt plan may call: the reservation covers the dearest. */
  deployments: readonly DeploymentRuntime[],
  requestId: string,
  request: Request,
  now: number,
): Promise<Admission> {
  const tz = cfg.governance.timeZone;
  const scopes: ScopeRequest[] = [];
  let anyBudget = false;
  let anyRpm = false;
  let anyTpm = false;
  let anyParallel = false;
  let budgetScope: string | undefined;
  const keyScope = `key:${principal.keyId}`;
  const add = (scope: string) => {
    const l = scope === keyScope && principal.keyLimits ? principal.keyLimits : cfg.scopeLimits.get(scope);
    if (!l) {
      scopes.push({ scope, periodId: 'none' });
      return;
    }
    if (l.budgetNanos !== undefined) {
      anyBudget = true;
      budgetScope ??= scope;
    }
    anyRpm ||= l.rpm !== undefined;
    anyTpm ||= l.tpm !== undefined;
    anyParallel ||= l.maxParallel !== undefined;
    scopes.push({
      scope,
      periodId: periodId(l.period, tz, now),
      ...(l.budgetNanos !== undefined ? { budgetNanos: l.budgetNanos } : {}),
      ...(l.rpm !== undefined ? { rpm: l.rpm } : {}),
      ...(l.tpm !== undefined ? { tpm: l.tpm } : {}),
      ...(l.maxParallel !== undefined ? { maxParallel: l.maxParallel } : {}),
    });
  };
  add(keyScope);
  if (principal.userId) add(`user:${principal.userId}`);
  if (principal.teamId) add(`team:${principal.teamId}`);
  if (principal.orgId) add(`org:${principal.orgId}`);
  add(`model:${group.name}`);

  let price: PriceRuntime | undefined;
  for (const d of deployments) {
    const p = priceFor(cfg, d.model);
    if (anyBudget && !p) throw new NoPriceForModelError(d.model, budgetScope!);
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
  let enforcement: Enforcement = { budget: mode(anyBudget), rpm: mode(anyRpm), tpm: mode(anyTpm), concurrency: mode(anyParallel) };
  const org = principal.orgId ?? 'default';

  let reservationId: string | undefined;
  try {
    const r = await deps.store.reserve({ org, requestId, costNanos, tokens, scopes });
    if (!r.ok) throw refusal(r, r.scope === keyScope && principal.keyLimits ? principal.keyLimits.period : (cfg.scopeLimits.get(r.scope)?.period ?? 'none'), cfg, now);
    reservationId = r.reservationId;
  } catch (err) {
    if (!(err instanceof StateUnavailableError)) throw err;
    if (!cfg.governance.failOpen) throw err;
    deps.onDegraded(err, 'reserve');
    const d = (m: EnforcementMode): EnforcementMode => (m === 'exact' ? 'degraded' : m);
    enforcement = { budget: d(enforcement.budget), rpm: d(enforcement.rpm), tpm: d(enforcement.tpm), concurrency: d(enforcement.concurrency) };
  }

  let settled: Promise<SettleOutcome> | undefined;
  return {
    enforcement,
    price,
    reservedNanos: costNanos,
    scopes: scopes.map((s) => s.scope),
    settle(usage, servedPrice) {
      settled ??= (async () => {
        const cost = usage && servedPrice ? usageCost(usage, servedPrice) : 0n;
        if (reservationId === undefined) return { costNanos: cost, recorded: false };
        try {
          await deps.store.settle(reservationId, { costNanos: cost, tokens: usage ? usage.inputTokens + usage.outputTokens : 0 });
          return { costNanos: cost, recorded: true };
        } catch (err) {
          if (err instanceof StateUnavailableError) deps.onDegraded(err, 'settle');
          return { costNanos: cost, recorded: false };
        }
      })();
      return settled;
    },
  };
}

function refusal(r: Exclude<Awaited<ReturnType<CounterStore['reserve']>>, { ok: true }>, period: BudgetPeriod, cfg: RuntimeConfig, now: number): GatewayError {
  if (r.limit === 'budget') {
    return new BudgetExceededError({
      scope: r.scope,
      limitUsd: nanosToUsdString(r.limitValue),
      spentUsd: nanosToUsdString(r.current),
      requestUsd: nanosToUsdString(r.requested),
      period,
      retryAfterSeconds: secondsUntilPeriodEnd(period, cfg.governance.timeZone, now),
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
