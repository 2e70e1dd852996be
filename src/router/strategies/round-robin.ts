// Round-robin: each request starts one step further along the group; the others follow in order.
import type { Candidate, Ordering, StrategyContext } from './strategy.js';

/** Rotation cursors per group name; kept outside the config so a reload does not restart them. */
export class RoundRobinCursors {
  readonly #cursors = new Map<string, number>();

  /** The start index for the next request over `n` items, advancing the cursor. */
  next(group: string, n: number): number {
    if (n <= 0) return 0;
    const i = this.#cursors.get(group) ?? 0;
    this.#cursors.set(group, (i + 1) % Number.MAX_SAFE_INTEGER);
    return i % n;
  }
}

export function orderRoundRobin(candidates: readonly Candidate[], ctx: StrategyContext): Ordering {
  const start = ctx.cursors.next(ctx.groupName, candidates.length);
  return { order: [...candidates.slice(start), ...candidates.slice(0, start)], excluded: [] };
}
