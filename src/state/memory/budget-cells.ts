// The money side of the in-process counters: per (scope, period) cells holding spent, reserved and
// requests, and the time buckets of rolling budgets. Expiry mirrors Redis: a period's cell is
// forgotten after its retainUntil (wall clock, like PEXPIREAT), a bucket once it has left every
// window. Synchronous, like everything CounterTable calls between a check and its write.

import type { RollingWindow } from '../counter-store.js';

export interface BudgetCell {
  spent: bigint;
  reserved: bigint;
  requests: number;
  /** When the period's counters may be forgotten (ScopeRequest.retainUntil); absent: kept. */
  retainUntil?: number;
}

/** A rolling budget's bucket: spend and requests admitted in one bucketMs; forgotten once out of every window. */
interface BucketCell extends BudgetCell {
  readonly forgetAt: number;
}

/** Where a rolling scope's request and spend go: the bucket of its admission instant. */
export interface BucketRef {
  readonly key: string;
  readonly forgetAt: number;
}

const bucketKeyOf = (budgetKey: string, index: number): string => `${budgetKey}:w${index}`;

export class BudgetCells {
  private readonly cells = new Map<string, BudgetCell>();
  private readonly buckets = new Map<string, BucketCell>();

  /** A period's cell, unless its retainUntil (wall clock, like Redis' key expiry) has passed. */
  get(key: string): BudgetCell | undefined {
    const c = this.cells.get(key);
    if (c?.retainUntil !== undefined && c.retainUntil <= Date.now()) {
      this.cells.delete(key);
      return undefined;
    }
    return c;
  }

  getOrCreate(key: string): BudgetCell {
    let c = this.get(key);
    if (c === undefined) this.cells.set(key, (c = { spent: 0n, reserved: 0n, requests: 0 }));
    return c;
  }

  /** Spend and requests of a rolling budget's buckets in the window ending now. */
  windowSum(budgetKey: string, w: RollingWindow, now: number): { spent: bigint; requests: number } {
    const current = Math.floor(now / w.bucketMs);
    let spent = 0n;
    let requests = 0;
    for (let i = current - w.buckets + 1; i <= current; i++) {
      const c = this.buckets.get(bucketKeyOf(budgetKey, i));
      if (c) {
        spent += c.spent;
        requests += c.requests;
      }
    }
    return { spent, requests };
  }

  /** The bucket a request admitted now is billed to, and when it has left every window. */
  bucketOf(budgetKey: string, w: RollingWindow, now: number): BucketRef {
    const index = Math.floor(now / w.bucketMs);
    return { key: bucketKeyOf(budgetKey, index), forgetAt: (index + w.buckets) * w.bucketMs };
  }

  peekBucket(b: BucketRef): BudgetCell | undefined {
    return this.buckets.get(b.key);
  }

  bucket(b: BucketRef): BudgetCell {
    let c = this.buckets.get(b.key);
    if (c === undefined) this.buckets.set(b.key, (c = { spent: 0n, reserved: 0n, requests: 0, forgetAt: b.forgetAt }));
    return c;
  }

  /** Drops buckets out of every window and cells past their retention. */
  sweep(now: number): void {
    for (const [k, c] of this.buckets) if (c.forgetAt <= now) this.buckets.delete(k);
    for (const k of this.cells.keys()) this.get(k);
  }
}
