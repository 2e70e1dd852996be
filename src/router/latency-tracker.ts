// Per-deployment health signals measured by this process: in-flight calls and an EWMA of latency.
// Process-local on purpose (each replica balances on what it sees); the breaker is the shared part.

export interface LatencyTrackerOptions {
  /** Weight of the newest sample, 0 < alpha ≤ 1 (default 0.3: a few calls move it). */
  readonly alpha?: number;
}

export interface LatencyStats {
  readonly inFlight: number;
  /** Undefined until the first sample. */
  readonly ewmaMs: number | undefined;
}

interface Entry {
  inFlight: number;
  ewmaMs: number | undefined;
}

export class LatencyTracker {
  readonly #alpha: number;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: LatencyTrackerOptions = {}) {
    const alpha = opts.alpha ?? 0.3;
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError('LatencyTracker: alpha must be in (0, 1]');
    this.#alpha = alpha;
  }

  /** Count one call in flight; the returned function ends it (idempotent), with its latency if it completed. */
  begin(deployment: string): (latencyMs?: number) => void {
    const e = this.#entry(deployment);
    e.inFlight++;
    let done = false;
    return (latencyMs?: number) => {
      if (done) return;
      done = true;
      e.inFlight--;
      if (latencyMs !== undefined) this.observe(deployment, latencyMs);
    };
  }

  /** Fold one latency sample into the deployment's EWMA. */
  observe(deployment: string, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    const e = this.#entry(deployment);
    e.ewmaMs = e.ewmaMs === undefined ? latencyMs : this.#alpha * latencyMs + (1 - this.#alpha) * e.ewmaMs;
  }

  stats(deployment: string): LatencyStats {
    const e = this.#entries.get(deployment);
    return { inFlight: e?.inFlight ?? 0, ewmaMs: e?.ewmaMs };
  }

  #entry(deployment: string): Entry {
    let e = this.#entries.get(deployment);
    if (!e) {
      e = { inFlight: 0, ewmaMs: undefined };
      this.#entries.set(deployment, e);
    }
    return e;
  }
}
