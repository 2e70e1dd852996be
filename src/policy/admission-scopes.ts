// Every scope a request is counted against, with the limits that apply to it. Nothing that
// applies is left out (M3): the key, its user, team and org, the model group it names, every
// fallback group and every provider its attempt plan may reach, its end user and its budgeted tags.
//
// Two reservations, because a provider budget is one budget for the whole gateway and so cannot
// share an organisation's hash tag: the org reservation (one atomic step over the org's scopes) and,
// when a planned provider has a budget, the provider reservation. Fallback groups and providers are
// "contingent": their budgets must admit the request, but only the one that serves it is billed.
import type { ScopeLimits } from '../core/limits.js';
import type { DeploymentRuntime, ModelGroupRuntime, RuntimeConfig } from '../config/runtime.js';
import type { ScopeRequest } from '../state/counter-store.js';
import { budgetWindow, periodRetainUntil } from './budget-period.js';
import { endUserLimits, PROVIDER_ORG } from './config-scopes.js';
import type { GovernedPrincipal } from './governed-principal.js';
import type { RequestAttribution } from './request-attribution.js';

export interface PlannedScope {
  readonly request: ScopeRequest;
  readonly limits: ScopeLimits | undefined;
  /** Billed only when the serving deployment belongs to this group or provider. */
  readonly contingentOn?: { readonly group: string } | { readonly provider: string };
}

export interface ScopePlan {
  readonly org: string;
  readonly orgScopes: readonly PlannedScope[];
  /** Counted under PROVIDER_ORG; empty when no planned provider has a budget. */
  readonly providerScopes: readonly PlannedScope[];
  /** The group each planned deployment was planned from (the requested one or a fallback). */
  readonly groupOf: ReadonlyMap<DeploymentRuntime, string>;
}

export { PROVIDER_ORG };

function scopeRequest(scope: string, limits: ScopeLimits | undefined, tz: string, now: number, budgetOnly: boolean): ScopeRequest {
  const w = budgetWindow(limits, tz, now);
  const l = limits;
  const retainUntil = periodRetainUntil(limits, now);
  return {
    scope,
    periodId: w.periodId,
    ...(w.window ? { window: w.window } : {}),
    ...(retainUntil !== undefined ? { retainUntil } : {}),
    ...(l?.budgetNanos !== undefined ? { budgetNanos: l.budgetNanos } : {}),
    ...(!budgetOnly && l?.rpm !== undefined ? { rpm: l.rpm } : {}),
    ...(!budgetOnly && l?.tpm !== undefined ? { tpm: l.tpm } : {}),
    ...(!budgetOnly && l?.maxParallel !== undefined ? { maxParallel: l.maxParallel } : {}),
  };
}

/** Per compiled group (a reload compiles new ones), so the walk is done once, not per request. */
const groupsCache = new WeakMap<ModelGroupRuntime, ReadonlyMap<DeploymentRuntime, string>>();

/** The group each deployment of the plan comes from: the requested group, then its fallbacks in order. */
function groupsOf(cfg: RuntimeConfig, group: ModelGroupRuntime): ReadonlyMap<DeploymentRuntime, string> {
  const cached = groupsCache.get(group);
  if (cached) return cached;
  const out = new Map<DeploymentRuntime, string>();
  const seen = new Set<string>();
  const visit = (g: ModelGroupRuntime | undefined): void => {
    if (!g || seen.has(g.name)) return;
    seen.add(g.name);
    for (const d of g.deployments) out.set(d, g.name);
    for (const f of g.fallbacks) visit(cfg.models.get(f));
  };
  visit(group);
  groupsCache.set(group, out);
  return out;
}

export function planScopes(
  cfg: RuntimeConfig,
  principal: GovernedPrincipal,
  group: ModelGroupRuntime,
  deployments: readonly DeploymentRuntime[],
  attribution: RequestAttribution,
  now: number,
): ScopePlan {
  const tz = cfg.governance.timeZone;
  const keyScope = `key:${principal.keyId}`;
  const orgScopes: PlannedScope[] = [];
  const add = (scope: string, limits: ScopeLimits | undefined, contingentOn?: PlannedScope['contingentOn']) => {
    orgScopes.push({ request: scopeRequest(scope, limits, tz, now, contingentOn !== undefined), limits, ...(contingentOn ? { contingentOn } : {}) });
  };
  add(keyScope, principal.keyLimits ?? cfg.scopeLimits.get(keyScope));
  for (const [kind, id] of [['user', principal.userId], ['team', principal.teamId], ['org', principal.orgId]] as const) {
    if (id === undefined) continue;
    const scope = `${kind}:${id}`;
    add(scope, cfg.scopeLimits.get(scope) ?? principal.entityLimits?.get(scope));
  }
  add(`model:${group.name}`, cfg.scopeLimits.get(`model:${group.name}`));

  const groupOf = groupsOf(cfg, group);
  const fallbackGroups = new Set<string>();
  const providers = new Set<string>();
  for (const d of deployments) {
    const g = groupOf.get(d) ?? group.name;
    if (g !== group.name) fallbackGroups.add(g);
    providers.add(d.provider.name);
  }
  // A fallback group's budget applies to the requests it may serve; its rate limits apply only to
  // requests that name it (counting every primary request against them would starve the primary).
  for (const g of fallbackGroups) add(`model:${g}`, cfg.scopeLimits.get(`model:${g}`), { group: g });

  if (attribution.endUser !== undefined && cfg.endUsers) add(`end_user:${attribution.endUser}`, endUserLimits(cfg, attribution.endUser));
  for (const t of attribution.tags) {
    const l = cfg.scopeLimits.get(`tag:${t}`);
    // Only configured tags get counters: tags are client-chosen, and counters are not free.
    if (l) add(`tag:${t}`, l);
  }

  const providerScopes: PlannedScope[] = [];
  for (const p of providers) {
    const l = cfg.scopeLimits.get(`provider:${p}`);
    if (l) providerScopes.push({ request: scopeRequest(`provider:${p}`, l, tz, now, true), limits: l, contingentOn: { provider: p } });
  }
  return { org: principal.orgId ?? 'default', orgScopes, providerScopes, groupOf };
}
