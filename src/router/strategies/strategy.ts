// The contract every routing strategy implements: given the usable deployments of one group with
// their health signals, return them in the order to try (first choice, then same-group retries),
// plus any the strategy excluded for this request with the reason.
import type { DeploymentRuntime } from '../../config/runtime.js';
import type { RoundRobinCursors } from './round-robin.js';

export type StrategyName = 'weighted' | 'round-robin' | 'least-busy' | 'least-latency' | 'cost';

export interface Candidate {
  readonly deployment: DeploymentRuntime;
  /** Calls this process has in flight to the deployment. */
  readonly inFlight: number;
  /** EWMA of recent latency; undefined until measured. */
  readonly ewmaMs: number | undefined;
}

/** Per-request routing hints (`x-tollgate-task`, `x-tollgate-max-latency-ms`). */
export interface RoutingHints {
  readonly task?: string;
  readonly maxLatencyMs?: number;
}

export interface StrategyContext {
  readonly groupName: string;
  readonly random: () => number;
  readonly hints: RoutingHints;
  /** Round-robin rotation state; owned by the router so it survives reloads. */
  readonly cursors: RoundRobinCursors;
  /**
   * Price of a deployment per 1M tokens, (input + output) / 2, in any one unit; undefined when
   * unknown. Only the cost strategy asks.
   */
  readonly priceOf?: (d: DeploymentRuntime) => number | undefined;
  /** Cost-score weights by task tag; defaults in strategies/cost.ts. */
  readonly costWeights?: Readonly<Record<string, CostWeights>>;
}

export interface CostWeights {
  readonly price: number;
  readonly latency: number;
}

export interface Exclusion {
  readonly deployment: DeploymentRuntime;
  readonly reason: string;
}

export interface Ordering {
  readonly order: readonly Candidate[];
  readonly excluded: readonly Exclusion[];
}

export type Strategy = (candidates: readonly Candidate[], ctx: StrategyContext) => Ordering;

/** Fisher–Yates on a copy; used to break ties at random. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
