// Latency samples in milliseconds: a growable Float64Array (no per-sample objects, so recording
// stays cheap at 10k+ req/s) and exact percentiles over the sorted copy.

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export class Samples {
  #data = new Float64Array(4096);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(ms: number): void {
    if (this.#size === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#size++] = ms;
  }

  /** Adds every sample of `other` (rounds of one scenario are merged before percentiles). */
  addAll(other: Samples): void {
    for (let i = 0; i < other.#size; i++) this.add(other.#data[i] as number);
  }

  percentiles(): Percentiles {
    const n = this.#size;
    if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
    const sorted = this.#data.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i] as number;
    // Nearest-rank percentile: the smallest sample with at least q of all samples at or below it.
    const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number;
    return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] as number, mean: sum / n };
  }
}
