// Settlement of an admitted request: what the provider billed, per attempt, replaces the
// reservation (M4, M6, M10). A request may be billed for more than the attempt that served it: an
// attempt that the provider answered (2xx) and that then failed before a byte reached the client —
// a stream that stalled, a body that broke off — was billed by the provider, so it is billed here
// too, and the retry or fallback that followed is billed on top.
//
// Who pays what: the key, user, team, org, the requested group, the end user and tags pay for every
// billed attempt. A fallback group or a provider budget (the "contingent" scopes) pays only for the
// attempts that ran on it; the others get their reservation back (CounterStore `scopeCosts`).
import { StateUnavailableError } from '../core/errors.js';
import type { Nanos } from '../core/money.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import type { DeploymentRuntime, RuntimeConfig } from '../config/runtime.js';
import type { ActualUsage, CounterStore } from '../state/counter-store.js';
import type { ChargedAttempt } from '../storage/ledger-queries.js';
import type { PlannedScope, ScopePlan } from './admission-scopes.js';
import { usageCost } from './pricing/cost.js';
import { priceFor } from './pricing/price-lookup.js';

/** One attempt the provider billed. */
export interface Charge {
  readonly deployment: DeploymentRuntime;
  readonly usage: Usage;
}

export interface SettleOutcome {
  /** Every billed attempt together, in nano-dollars (unpriced attempts count 0). */
  readonly costNanos: Nanos;
  /** The billed attempts before the final one (usually none), for the ledger row's metadata. */
  readonly charged: readonly ChargedAttempt[];
  /** The token classes of every billed attempt together; null when nothing was billed. */
  readonly usage: Usage | null;
  /** False when the state store could not record it (degraded); the ledger still has the cost. */
  readonly recorded: boolean;
}

export interface Reservation {
  readonly id: string;
  readonly scopes: readonly PlannedScope[];
}

export function chargeCost(cfg: RuntimeConfig, c: Charge): Nanos {
  const price = priceFor(cfg, c.deployment.model);
  return price ? usageCost(c.usage, price) : 0n;
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}

/** Does this contingent scope cover the deployment (its fallback group, or its provider)? */
function covers(plan: ScopePlan, s: PlannedScope, d: DeploymentRuntime): boolean {
  const c = s.contingentOn;
  if (c === undefined) return true;
  return 'group' in c ? plan.groupOf.get(d) === c.group : c.provider === d.provider.name;
}

/** The store call for one reservation: every non-contingent scope pays the total, contingent ones their own share. */
export function actualFor(cfg: RuntimeConfig, plan: ScopePlan, r: Reservation, charges: readonly Charge[]): ActualUsage {
  const costs = charges.map((c) => chargeCost(cfg, c));
  const total = costs.reduce((a, b) => a + b, 0n);
  const tokens = charges.reduce((n, c) => n + c.usage.inputTokens + c.usage.outputTokens, 0);
  if (!r.scopes.some((s) => s.contingentOn !== undefined)) return { costNanos: total, tokens };
  const scopes: string[] = [];
  const scopeCosts: Record<string, Nanos> = {};
  for (const s of r.scopes) {
    if (s.contingentOn === undefined) {
      scopes.push(s.request.scope);
      continue;
    }
    let share = 0n;
    let ran = false;
    charges.forEach((c, i) => {
      if (!covers(plan, s, c.deployment)) return;
      ran = true;
      share += costs[i]!;
    });
    if (!ran) continue;
    scopes.push(s.request.scope);
    if (share !== total) scopeCosts[s.request.scope] = share;
  }
  return { costNanos: total, tokens, scopes, ...(Object.keys(scopeCosts).length > 0 ? { scopeCosts } : {}) };
}

export async function settleReservations(
  store: CounterStore,
  onDegraded: (err: StateUnavailableError, phase: 'settle') => void,
  cfg: RuntimeConfig,
  plan: ScopePlan,
  reservations: readonly Reservation[],
  prior: readonly Charge[],
  final: Charge | undefined,
): Promise<SettleOutcome> {
  const charges = final ? [...prior, final] : prior;
  const costNanos = charges.reduce((sum, c) => sum + chargeCost(cfg, c), 0n);
  const usage = charges.length === 0 ? null : charges.reduce((u, c) => addUsage(u, c.usage), ZERO_USAGE);
  const charged = prior.map((c) => ({ deployment: c.deployment.id, provider: c.deployment.provider.name, cost_nanos: chargeCost(cfg, c).toString() }));
  if (reservations.length === 0) return { costNanos, charged, usage, recorded: false };
  let recorded = true;
  await Promise.all(
    reservations.map(async (r) => {
      try {
        await store.settle(r.id, actualFor(cfg, plan, r, charges));
      } catch (err) {
        if (err instanceof StateUnavailableError) onDegraded(err, 'settle');
        recorded = false;
      }
    }),
  );
  return { costNanos, charged, usage, recorded };
}
