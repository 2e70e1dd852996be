// Every strategy by name; the registry is checked to cover StrategyName exactly.
import { orderByCost } from './cost.js';
import { orderLeastBusy } from './least-busy.js';
import { orderLeastLatency } from './least-latency.js';
import { orderRoundRobin } from './round-robin.js';
import type { Strategy, StrategyName } from './strategy.js';
import { orderWeighted } from './weighted.js';

export const STRATEGIES = {
  weighted: orderWeighted,
  'round-robin': orderRoundRobin,
  'least-busy': orderLeastBusy,
  'least-latency': orderLeastLatency,
  cost: orderByCost,
} as const satisfies Record<StrategyName, Strategy>;

export { RoundRobinCursors } from './round-robin.js';
export { DEFAULT_COST_WEIGHTS, OVER_LATENCY_BUDGET } from './cost.js';
export { pickWeighted } from './weighted.js';
export type { Candidate, CostWeights, Exclusion, Ordering, RoutingHints, Strategy, StrategyContext, StrategyName } from './strategy.js';
