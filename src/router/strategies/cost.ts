// Cost: a weighted score over price (per 1M tokens, input/output averaged) and measured latency,
// lower is better. A task tag picks the weights ("cheap" leans on price, "fast" on latency), and a
// latency budget (maxLatencyMs) excludes deployments whose EWMA already exceeds it. Capability is
// not scored here: the attempt plan skips incapable targets before any strategy runs.
import type { Candidate, CostWeights, Exclusion, Ordering, StrategyContext } from './strategy.js';

export const DEFAULT_COST_WEIGHTS: Readonly<Record<string, CostWeights>> = Object.freeze({
  default: { price: 0.5, latency: 0.5 },
  cheap: { price: 0.9, latency: 0.1 },
  fast: { price: 0.1, latency: 0.9 },
});

export const OVER_LATENCY_BUDGET = 'over_latency_budget';

export function orderByCost(candidates: readonly Candidate[], ctx: StrategyContext): Ordering {
  const budget = ctx.hints.maxLatencyMs;
  const excluded: Exclusion[] = [];
  const kept: Candidate[] = [];
  for (const c of candidates) {
    // Unmeasured deployments are not excluded: there is no evidence they are slow.
    if (budget !== undefined && c.ewmaMs !== undefined && c.ewmaMs > budget) {
      excluded.push({ deployment: c.deployment, reason: `${OVER_LATENCY_BUDGET}: EWMA ${Math.round(c.ewmaMs)} ms > ${budget} ms` });
    } else kept.push(c);
  }

  const table = { ...DEFAULT_COST_WEIGHTS, ...ctx.costWeights };
  const w = (ctx.hints.task !== undefined ? table[ctx.hints.task] : undefined) ?? table['default']!;

  const prices = kept.map((c) => ctx.priceOf?.(c.deployment));
  const known = prices.filter((p): p is number => p !== undefined && Number.isFinite(p) && p >= 0);
  // An unknown price is assumed to be the highest known one: never preferred for being unknown.
  const maxPrice = known.length > 0 ? Math.max(...known) : 0;
  const lats = kept.map((c) => c.ewmaMs).filter((l): l is number => l !== undefined);
  // An unmeasured latency scores as the mean of the measured ones (neutral).
  const meanLat = lats.length > 0 ? lats.reduce((s, l) => s + l, 0) / lats.length : 0;
  const maxLat = lats.length > 0 ? Math.max(...lats) : 0;

  const scored = kept.map((c, i) => {
    const p = prices[i];
    const priced = p !== undefined && Number.isFinite(p) && p >= 0;
    const price = priced ? p : maxPrice;
    const lat = c.ewmaMs ?? meanLat;
    const score = w.price * (maxPrice > 0 ? price / maxPrice : 0) + w.latency * (maxLat > 0 ? lat / maxLat : 0);
    return { c, score, unknown: priced ? 0 : 1, i };
  });
  // Ties: a known price beats an unknown one, then config order (the author's listing).
  scored.sort((a, b) => a.score - b.score || a.unknown - b.unknown || a.i - b.i);
  return { order: scored.map((s) => s.c), excluded };
}
