// Weighted random: the first choice is drawn in proportion to `weight`; the rest follow as a
// weighted draw without replacement, so same-group retries also favour heavier deployments.
import type { Candidate, Ordering, StrategyContext } from './strategy.js';

/** One weighted draw; weight ≤ 0 is never drawn unless every weight is. Undefined on empty input. */
export function pickWeighted<T extends { readonly weight: number }>(items: readonly T[], random: () => number): T | undefined {
  let total = 0;
  for (const d of items) total += Math.max(0, d.weight);
  if (total <= 0) return items[0];
  let r = random() * total;
  for (const d of items) {
    if (d.weight <= 0) continue;
    r -= d.weight;
    if (r < 0) return d;
  }
  // Float rounding can leave r at exactly 0: the last positive weight wins.
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.weight > 0) return items[i];
  return items[0];
}

export function orderWeighted(candidates: readonly Candidate[], ctx: StrategyContext): Ordering {
  const left = candidates.map((c) => ({ c, weight: c.deployment.weight }));
  const order: Candidate[] = [];
  while (left.length > 0) {
    const hit = pickWeighted(left, ctx.random)!;
    order.push(hit.c);
    left.splice(left.indexOf(hit), 1);
  }
  return { order, excluded: [] };
}
