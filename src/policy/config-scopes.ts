// Limits the config sets on scopes that are not entities: model groups, providers, tags and end
// users. (Keys, users, teams and orgs may also come from the database: see scope-chain.ts.)
import type { ScopeLimits } from '../core/limits.js';
import type { RuntimeConfig } from '../config/runtime.js';

/**
 * The "organisation" provider scopes are counted under. A provider budget is one budget for the
 * whole gateway — the provider bills one account — so it cannot live under any one org's hash tag.
 * Config names start with a letter or digit, so no real org can be called this.
 */
export const PROVIDER_ORG = '_providers';

export function endUserLimits(cfg: RuntimeConfig, id: string): ScopeLimits | undefined {
  const e = cfg.endUsers;
  if (!e) return undefined;
  return e.overrides.has(id) ? e.overrides.get(id) : e.default;
}

export function scopeLimitsFromConfig(cfg: RuntimeConfig, scope: string): ScopeLimits | undefined {
  if (scope.startsWith('end_user:')) return endUserLimits(cfg, scope.slice('end_user:'.length));
  return cfg.scopeLimits.get(scope);
}
