import type { RuntimeConfig } from '../../config/runtime.js';
import { ok, type AdminDeps, type AdminResponse } from './admin-api.js';

/**
 * GET /admin/deployments: every deployment with its group, provider and circuit-breaker state (from
 * the shared state store, so every replica answers the same), and switched-off providers with the reason.
 */
export async function listDeployments(cfg: RuntimeConfig, deps: AdminDeps): Promise<AdminResponse> {
  const deployments: Array<Record<string, unknown>> = [];
  for (const [name, g] of cfg.models) {
    if (name !== g.name) continue;
    for (const d of g.deployments) {
      const breaker = await deps.state.breakerState(d.id).catch(() => undefined);
      deployments.push({
        id: d.id,
        model_group: g.name,
        provider: d.provider.name,
        type: d.provider.type,
        weight: d.weight,
        fallbacks: g.fallbacks,
        state: 'enabled',
        breaker: breaker
          ? { state: breaker.state, open_until: breaker.openUntil === null ? null : new Date(breaker.openUntil).toISOString(), consecutive_failures: breaker.consecutiveFailures }
          : { state: 'unknown', reason: 'state store unreachable' },
      });
    }
  }
  for (const [name, reason] of cfg.disabledProviders) deployments.push({ provider: name, state: 'disabled', reason });
  return ok({ generation: cfg.generation, deployments });
}
