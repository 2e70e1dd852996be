// A provider's `breaker:` block → the policy the state stores run. Defaults live here once: five
// consecutive failures or (opt-in) a failure rate open a deployment for 30 s, then one probe.
import type { ProviderConfig } from './schema.js';
import type { BreakerRuntime } from './runtime.js';

export function compileBreaker(b: ProviderConfig['breaker']): BreakerRuntime {
  if (b === undefined) return { failureThreshold: 5, cooldownMs: 30_000, halfOpenProbes: 1 };
  const r = b.failure_rate;
  return {
    failureThreshold: b.failures,
    cooldownMs: b.cooldown,
    halfOpenProbes: b.half_open_probes,
    ...(r ? { failureRate: { ratio: r.ratio, minRequests: r.min_requests, windowMs: r.window } } : {}),
  };
}
