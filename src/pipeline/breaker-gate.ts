// This replica's view of the deployments' circuit breakers, kept in front of the shared state
// store: the store holds the truth (atomic transitions, cooldowns that only grow), this gate keeps
// the last state it saw so the steady state costs no store round trip.
//
// Breakers are a health hint: a store that cannot be reached never blocks a call. It is never
// silent either: every such call counts in `tollgate_state_degraded_total{phase="breaker"}` and
// is logged (at most once a second, with how many were suppressed).
import type { Logger } from 'pino';
import type { DeploymentRuntime } from '../config/runtime.js';
import type { BreakerStateName, CounterStore } from '../state/counter-store.js';
import type { Metrics } from '../telemetry/metrics.js';

/** How long a closed, failure-free breaker state seen by this replica is trusted without asking the store. */
const FRESH_MS = 1_000;
const LOG_EVERY_MS = 1_000;

interface Seen {
  readonly state: BreakerStateName;
  readonly failures: number;
  readonly at: number;
  readonly openUntil: number | null;
}

export class BreakerGate {
  readonly #seen = new Map<string, Seen>();
  #lastLog = 0;
  #suppressed = 0;

  constructor(
    private readonly store: CounterStore,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Asks the store before calling a deployment — unless this replica saw it closed and
   * failure-free less than a second ago: a breaker opened elsewhere is then seen within a second
   * (issue 4's bound).
   */
  async admit(d: DeploymentRuntime): Promise<boolean> {
    const seen = this.#seen.get(d.id);
    if (this.#fresh(seen)) return true;
    try {
      const a = await this.store.breakerAdmit(d.id, d.provider.breaker);
      const now = Date.now();
      this.#seen.set(d.id, { state: a.state, failures: a.state === 'closed' ? (seen?.failures ?? 0) : 1, at: now, openUntil: a.retryAfterMs !== null && a.state === 'open' ? now + a.retryAfterMs : null });
      return a.allowed;
    } catch (err) {
      this.#degraded(d, 'admit', err);
      return true;
    }
  }

  /**
   * The state to plan with. An open breaker seen here is planned as half-open once its cooldown
   * has passed, so this replica sends its probe (the store decides who probes) instead of
   * skipping the deployment for ever on a stale memory.
   */
  plannedState(id: string): BreakerStateName | undefined {
    const seen = this.#seen.get(id);
    if (seen?.state === 'open' && seen.openUntil !== null && Date.now() >= seen.openUntil) return 'half_open';
    return seen?.state;
  }

  /** `cooldownMs`: the provider's Retry-After for this failure (it can only lengthen a cooldown). */
  async record(d: DeploymentRuntime, ok: boolean, cooldownMs?: number): Promise<void> {
    // A success on a deployment known closed with no failure changes nothing in the store — unless
    // a failure-rate window counts it: skipping successes there would inflate the failure ratio.
    if (ok && !d.provider.breaker.failureRate && this.#fresh(this.#seen.get(d.id))) return;
    try {
      const snap = await this.store.recordOutcome({ deployment: d.id, ok, policy: d.provider.breaker, ...(cooldownMs ? { cooldownMs } : {}) });
      this.#seen.set(d.id, { state: snap.state, failures: snap.consecutiveFailures, at: Date.now(), openUntil: snap.openUntil });
    } catch (err) {
      this.#degraded(d, ok ? 'record success' : 'record failure', err);
    }
  }

  #fresh(seen: Seen | undefined): boolean {
    return seen !== undefined && seen.state === 'closed' && seen.failures === 0 && Date.now() - seen.at < FRESH_MS;
  }

  #degraded(d: DeploymentRuntime, what: string, err: unknown): void {
    this.metrics.stateDegraded.inc({ phase: 'breaker' });
    const now = Date.now();
    if (now - this.#lastLog < LOG_EVERY_MS) {
      this.#suppressed++;
      return;
    }
    this.logger.warn({ deployment: d.id, op: what, err: err instanceof Error ? err.message : String(err), suppressed: this.#suppressed }, 'breaker state unavailable: the call goes ahead unguarded');
    this.#lastLog = now;
    this.#suppressed = 0;
  }
}
