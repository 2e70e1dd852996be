// Least-busy: fewest calls in flight first; ties broken at random so equal deployments share load.
import { shuffled, type Candidate, type Ordering, type StrategyContext } from './strategy.js';

export function orderLeastBusy(candidates: readonly Candidate[], ctx: StrategyContext): Ordering {
  // Shuffle, then a stable sort: equal counts keep their random order.
  const order = shuffled(candidates, ctx.random).sort((a, b) => a.inFlight - b.inFlight);
  return { order, excluded: [] };
}
