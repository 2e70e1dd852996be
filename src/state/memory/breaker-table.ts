// Circuit breakers for one process. Same transitions as redis/breaker-scripts.ts (see the
// README in src/state): closed → open after N consecutive failures or a failure ratio in a fixed
// window; open → half-open when the cooldown deadline passes; half-open lets a bounded number of
// probes through; a success there closes, a failure re-opens. The deadline is only ever raised
// with max(), so a later, shorter cooldown (a 429 after a 500) never shortens an open breaker.

import type { BreakerAdmission, BreakerOutcome, BreakerPolicy, BreakerSnapshot, BreakerStateName } from '../counter-store.js';
import { resolveBreakerPolicy } from '../reserve-request.js';

interface Cell {
  open: boolean;
  failures: number;
  /** 0 = never opened. */
  openUntil: number;
  /** Latest deadline asked for by failures of the current closed streak; applied when it opens. */
  streakUntil: number;
  winStart: number;
  winTotal: number;
  winFailed: number;
  probes: number;
  probeWindowUntil: number;
}

function newCell(): Cell {
  return { open: false, failures: 0, openUntil: 0, streakUntil: 0, winStart: 0, winTotal: 0, winFailed: 0, probes: 0, probeWindowUntil: 0 };
}

function view(c: Cell, now: number): BreakerStateName {
  if (!c.open) return 'closed';
  return now < c.openUntil ? 'open' : 'half_open';
}

function snapshot(c: Cell, now: number): BreakerSnapshot {
  return { state: view(c, now), openUntil: c.openUntil === 0 ? null : c.openUntil, consecutiveFailures: c.failures };
}

export class BreakerTable {
  private readonly cells = new Map<string, Cell>();

  recordOutcome(o: BreakerOutcome, now: number): BreakerSnapshot {
    const p = resolveBreakerPolicy(o.policy);
    const cooldown = Math.max(p.cooldownMs, o.cooldownMs ?? 0);
    let c = this.cells.get(o.deployment);
    if (c === undefined) this.cells.set(o.deployment, (c = newCell()));

    let rateTripped = false;
    if (p.rate) {
      if (now >= c.winStart + p.rate.windowMs) {
        c.winStart = now;
        c.winTotal = 0;
        c.winFailed = 0;
      }
      c.winTotal += 1;
      if (!o.ok) c.winFailed += 1;
      rateTripped = c.winTotal >= p.rate.minRequests && c.winFailed * 1000 >= p.rate.permille * c.winTotal;
    }

    if (o.ok) {
      if (!c.open) {
        c.failures = 0;
        c.streakUntil = 0;
      } else if (now >= c.openUntil) {
        // Half-open and a call succeeded: the deployment is back.
        c.open = false;
        c.failures = 0;
        c.streakUntil = 0;
        c.probes = 0;
        c.probeWindowUntil = 0;
        c.winStart = now;
        c.winTotal = 0;
        c.winFailed = 0;
      }
      // A success while still open came from a call admitted before the breaker opened; it
      // must not end the cooldown early.
    } else if (c.open) {
      c.failures += 1;
      c.openUntil = Math.max(c.openUntil, now + cooldown);
      c.probes = 0;
      c.probeWindowUntil = 0;
    } else {
      c.failures += 1;
      // Failures that arrive before the threshold may carry a longer Retry-After than the one
      // that trips the breaker (concurrent calls report in any order): keep the longest.
      c.streakUntil = Math.max(c.streakUntil, now + cooldown);
      if (c.failures >= p.failureThreshold || rateTripped) {
        c.open = true;
        c.openUntil = Math.max(c.openUntil, c.streakUntil);
        c.streakUntil = 0;
        c.probes = 0;
        c.probeWindowUntil = 0;
      }
    }
    return snapshot(c, now);
  }

  state(deployment: string, now: number): BreakerSnapshot {
    return snapshot(this.cells.get(deployment) ?? newCell(), now);
  }

  admit(deployment: string, policy: BreakerPolicy, now: number): BreakerAdmission {
    const p = resolveBreakerPolicy(policy);
    const c = this.cells.get(deployment);
    if (c === undefined || !c.open) return { allowed: true, state: 'closed', probe: false, retryAfterMs: null };
    if (now < c.openUntil) return { allowed: false, state: 'open', probe: false, retryAfterMs: c.openUntil - now };
    if (now >= c.probeWindowUntil) {
      // Probes that never reported (their caller died) stop counting after probeTimeoutMs.
      c.probes = 0;
      c.probeWindowUntil = now + p.probeTimeoutMs;
    }
    if (c.probes < p.halfOpenProbes) {
      c.probes += 1;
      return { allowed: true, state: 'half_open', probe: true, retryAfterMs: null };
    }
    return { allowed: false, state: 'half_open', probe: false, retryAfterMs: c.probeWindowUntil - now };
  }
}
