// An exact sliding-window log: one entry per admitted request (weight 1 for RPM, its tokens for
// TPM), kept in time order. An entry admitted at `at` counts while now < at + RATE_WINDOW_MS —
// the same rule as the Redis sorted sets, so both stores refuse and admit identically.
// Memory is O(requests in the last minute) per scope: the price of being exact.

import { RATE_WINDOW_MS, RETRY_SCAN_LIMIT } from '../counter-store.js';

interface Entry {
  readonly at: number;
  weight: number;
  readonly id: string;
}

export class SlidingLog {
  private entries: Entry[] = [];
  private head = 0;
  private sum = 0;
  /** Only logs whose entries are corrected at settlement (TPM) index them by id: RPM never does. */
  private readonly byId: Map<string, Entry> | undefined;

  constructor(opts: { readonly reweighable: boolean }) {
    this.byId = opts.reweighable ? new Map() : undefined;
  }

  get total(): number {
    return this.sum;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Drops entries that left the window; call before reading `total` or `size`. */
  prune(now: number): void {
    const cutoff = now - RATE_WINDOW_MS;
    while (this.head < this.entries.length && this.entries[this.head]!.at <= cutoff) {
      const e = this.entries[this.head++]!;
      this.sum -= e.weight;
      this.byId?.delete(e.id);
    }
    // Compact lazily so pruning stays amortised O(1) per entry.
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  add(at: number, weight: number, id: string): void {
    const e: Entry = { at, weight, id };
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.at <= at) {
      this.entries.push(e);
    } else {
      // A caller-supplied clock may step back a little; keep the log ordered.
      let lo = this.head;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.entries[mid]!.at <= at) lo = mid + 1;
        else hi = mid;
      }
      this.entries.splice(lo, 0, e);
    }
    this.byId?.set(id, e);
    this.sum += weight;
  }

  /** Corrects an entry still in the log (settlement); false when it already left the window. */
  reweigh(id: string, weight: number): boolean {
    const e = this.byId?.get(id);
    if (e === undefined) return false;
    this.sum += weight - e.weight;
    e.weight = weight;
    return true;
  }

  /**
   * Milliseconds until at least `mustFree` weight has left the window, or null if the log does
   * not hold that much (waiting cannot help). Assumes `prune(now)` was just called.
   */
  retryAfter(now: number, mustFree: number): number | null {
    let freed = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      freed += e.weight;
      // Bounded like the Redis script: past the bound the hint is a lower bound.
      if (freed >= mustFree || i - this.head + 1 >= RETRY_SCAN_LIMIT) return Math.max(1, e.at + RATE_WINDOW_MS - now);
    }
    return null;
  }

  /** For a log of weight-1 entries (RPM): milliseconds until the n-th oldest entry leaves. */
  untilNthLeaves(now: number, n: number): number | null {
    const e = n >= 1 ? this.entries[this.head + n - 1] : undefined;
    return e === undefined ? null : Math.max(1, e.at + RATE_WINDOW_MS - now);
  }
}
