// Least-latency with the power of two choices: sample two deployments at random and take the one
// with the lower EWMA latency. Always taking the global minimum would herd every request onto one
// deployment until its latency rises; two random choices spread load while still avoiding slow
// ones. Unmeasured deployments count as 0 ms, so they get probed. The rest follow by EWMA.
import { shuffled, type Candidate, type Ordering, type StrategyContext } from './strategy.js';

const latencyOf = (c: Candidate): number => c.ewmaMs ?? 0;

export function orderLeastLatency(candidates: readonly Candidate[], ctx: StrategyContext): Ordering {
  if (candidates.length <= 1) return { order: candidates.slice(), excluded: [] };
  const n = candidates.length;
  const i = Math.floor(ctx.random() * n);
  let j = Math.floor(ctx.random() * (n - 1));
  if (j >= i) j++;
  const a = candidates[i]!;
  const b = candidates[j]!;
  const first = latencyOf(b) < latencyOf(a) ? b : a;
  const rest = shuffled(candidates.filter((c) => c !== first), ctx.random).sort((x, y) => latencyOf(x) - latencyOf(y));
  return { order: [first, ...rest], excluded: [] };
}
