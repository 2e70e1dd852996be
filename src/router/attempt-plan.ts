// The attempt plan: computed once per request, before the first call (FAILURE-MODES R1). The
// group's usable deployments in its strategy's order (first choice, then same-group retries),
// then each fallback group's, breadth first through fallbacks of fallbacks up to a depth bound;
// never the same deployment twice; open breakers and targets that cannot serve the request are
// skipped with the reason recorded, so the final error can say what happened to each.
import type { DeploymentRuntime, ModelGroupRuntime } from '../config/runtime.js';
export { findFallbackCycle } from '../config/fallback-graph.js';
import type { BreakerStateName } from '../state/counter-store.js';
import { pickWithAffinity } from './affinity.js';
import type { SkippedTarget } from './all-attempts-failed.js';
import type { LatencyTracker } from './latency-tracker.js';
import { STRATEGIES } from './strategies/index.js';
import type { RoundRobinCursors } from './strategies/round-robin.js';
import type { Candidate, CostWeights, RoutingHints, StrategyContext } from './strategies/strategy.js';

export const DEFAULT_MAX_ATTEMPTS = 6;
export const DEFAULT_MAX_FALLBACK_DEPTH = 3;

/** A model group as the planner reads it; `fallbacks` names other groups, in order. */
export type PlannableGroup = ModelGroupRuntime & { readonly fallbacks?: readonly string[] };

export interface DeploymentHealth {
  readonly breaker: BreakerStateName;
  readonly inFlight: number;
  readonly ewmaMs: number | undefined;
  /** False when the deployment's own rate limits have no headroom: affinity yields. Default true. */
  readonly headroom?: boolean;
}

/** By deployment id; a deployment missing here counts as closed, idle and unmeasured. */
export type HealthSnapshot = ReadonlyMap<string, DeploymentHealth>;

/** Why `deployment` cannot serve this request (e.g. "no image input"), or undefined when it can. */
export type CapabilityCheck = (deployment: DeploymentRuntime, group: PlannableGroup) => string | undefined;

export interface PlanInput {
  readonly group: PlannableGroup;
  /** Looks up a fallback by group name (RuntimeConfig.models.get). */
  readonly resolveGroup: (name: string) => PlannableGroup | undefined;
  readonly health: HealthSnapshot;
  readonly capability?: CapabilityCheck;
  readonly hints?: RoutingHints;
  /** From affinityKey(request); pins the first choice within each group among healthy candidates. */
  readonly affinityKey?: string;
  readonly maxAttempts?: number;
  /** Fallback hops followed (1 = only the group's own fallbacks). */
  readonly maxFallbackDepth?: number;
  readonly random: () => number;
  readonly cursors: RoundRobinCursors;
  readonly priceOf?: StrategyContext['priceOf'];
  readonly costWeights?: Readonly<Record<string, CostWeights>>;
}

export interface PlannedAttempt {
  readonly deployment: DeploymentRuntime;
  readonly group: string;
  /** 0 for the requested group; n when reached through n fallback hops. */
  readonly depth: number;
  readonly role: 'primary' | 'retry' | 'fallback';
  /** The breaker is half-open: this call would be a probe (breakerAdmit decides). */
  readonly halfOpen: boolean;
  /** Chosen first in its group by prompt-cache affinity. */
  readonly affinity: boolean;
}

export interface AttemptPlan {
  readonly attempts: readonly PlannedAttempt[];
  readonly skipped: readonly SkippedTarget[];
}

const IDLE: DeploymentHealth = Object.freeze({ breaker: 'closed', inFlight: 0, ewmaMs: undefined });

export function planAttempts(input: PlanInput): AttemptPlan {
  const maxAttempts = Math.max(1, input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const maxDepth = Math.max(0, input.maxFallbackDepth ?? DEFAULT_MAX_FALLBACK_DEPTH);
  const attempts: PlannedAttempt[] = [];
  const skipped: SkippedTarget[] = [];
  const planned = new Set<string>();
  const visited = new Set<string>([input.group.name]);
  const queue: { group: PlannableGroup; depth: number }[] = [{ group: input.group, depth: 0 }];

  for (let q = 0; q < queue.length; q++) {
    const { group, depth } = queue[q]!;
    for (const name of depth < maxDepth ? (group.fallbacks ?? []) : []) {
      if (visited.has(name)) continue;
      visited.add(name);
      const fb = input.resolveGroup(name);
      if (fb) queue.push({ group: fb, depth: depth + 1 });
      else skipped.push({ deployment: '*', group: name, kind: 'unknown_group', reason: `fallback group '${name}' is not configured` });
    }

    const closed: Candidate[] = [];
    const halfOpen: Candidate[] = [];
    for (const d of group.deployments) {
      const h = input.health.get(d.id) ?? IDLE;
      if (planned.has(d.id)) {
        skipped.push({ deployment: d.id, group: group.name, kind: 'duplicate', reason: 'already planned from an earlier group' });
        continue;
      }
      if (h.breaker === 'open') {
        skipped.push({ deployment: d.id, group: group.name, kind: 'breaker_open', reason: 'circuit breaker open' });
        continue;
      }
      const why = input.capability?.(d, group);
      if (why !== undefined) {
        skipped.push({ deployment: d.id, group: group.name, kind: 'incapable', reason: why });
        continue;
      }
      planned.add(d.id);
      (h.breaker === 'half_open' ? halfOpen : closed).push({ deployment: d, inFlight: h.inFlight, ewmaMs: h.ewmaMs });
    }

    if (attempts.length >= maxAttempts) {
      // Plan full: record the rest without running strategies (no cursor moves for nothing).
      for (const c of [...closed, ...halfOpen]) {
        skipped.push({ deployment: c.deployment.id, group: group.name, kind: 'max_attempts', reason: `beyond the limit of ${maxAttempts} attempts` });
      }
      continue;
    }
    const ctx: StrategyContext = {
      groupName: group.name,
      random: input.random,
      hints: input.hints ?? {},
      cursors: input.cursors,
      priceOf: input.priceOf,
      costWeights: input.costWeights,
    };
    const strategy = STRATEGIES[group.strategy];
    // Healthy deployments first; half-open ones only as later attempts (one probe, not the main path).
    const main = strategy(closed, ctx);
    const probes = halfOpen.length > 0 ? strategy(halfOpen, ctx) : { order: [], excluded: [] };
    for (const x of [...main.excluded, ...probes.excluded]) {
      planned.delete(x.deployment.id);
      skipped.push({ deployment: x.deployment.id, group: group.name, kind: 'over_latency_budget', reason: x.reason });
    }
    let order = [...main.order, ...probes.order];

    let pinned: DeploymentRuntime | undefined;
    if (input.affinityKey !== undefined) {
      const eligible = main.order.filter((c) => (input.health.get(c.deployment.id) ?? IDLE).headroom !== false).map((c) => c.deployment);
      pinned = pickWithAffinity(input.affinityKey, eligible);
      if (pinned) order = [order.find((c) => c.deployment === pinned)!, ...order.filter((c) => c.deployment !== pinned)];
    }

    for (const c of order) {
      if (attempts.length >= maxAttempts) {
        skipped.push({ deployment: c.deployment.id, group: group.name, kind: 'max_attempts', reason: `beyond the limit of ${maxAttempts} attempts` });
        continue;
      }
      attempts.push({
        deployment: c.deployment,
        group: group.name,
        depth,
        role: attempts.length === 0 ? 'primary' : depth === 0 ? 'retry' : 'fallback',
        halfOpen: halfOpen.includes(c),
        affinity: c.deployment === pinned,
      });
    }
  }
  return { attempts, skipped };
}

/** A health snapshot from breaker states (cached by the caller) and this process's latency tracker. */
export function healthSnapshot(
  deploymentIds: Iterable<string>,
  breakerOf: (id: string) => BreakerStateName | undefined,
  tracker: LatencyTracker,
  headroomOf?: (id: string) => boolean,
): HealthSnapshot {
  const m = new Map<string, DeploymentHealth>();
  for (const id of deploymentIds) {
    const s = tracker.stats(id);
    m.set(id, { breaker: breakerOf(id) ?? 'closed', inFlight: s.inFlight, ewmaMs: s.ewmaMs, headroom: headroomOf?.(id) ?? true });
  }
  return m;
}

