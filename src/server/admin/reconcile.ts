// GET /admin/reconcile — for every key, user, team and org (config and admin API) and every
// budgeted provider, the counters' spend in the current period or rolling window against the
// ledger's sum for the same span. Drift 0 when all is well; anything else is a bug or a degraded
// period (fail-open), and is reported per scope.
import { nanosToUsd } from '../../core/money.js';
import type { ScopeLimits } from '../../core/limits.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { budgetWindow, periodLabel, periodStart } from '../../policy/budget-period.js';
import { PROVIDER_ORG } from '../../policy/config-scopes.js';
import { sumSpendByScope, type SpendScope } from '../../storage/ledger-queries.js';
import { ok, type AdminDeps, type AdminResponse } from './admin-api.js';
import { lookupScope, type ScopeRepos } from './scope-lookup.js';

interface Target {
  readonly scope: string;
  readonly org: string;
  readonly limits: ScopeLimits | undefined;
}

/** When the span the counters cover began: the calendar period's start, or the first bucket of the window. */
function spanStart(cfg: RuntimeConfig, limits: ScopeLimits | undefined, now: number): number {
  const w = budgetWindow(limits, cfg.governance.timeZone, now);
  if (w.window) return (Math.floor(now / w.window.bucketMs) - w.window.buckets + 1) * w.window.bucketMs;
  return periodStart(limits?.period ?? 'none', cfg.governance.timeZone, now);
}

async function targets(cfg: RuntimeConfig, repos: ScopeRepos): Promise<Target[]> {
  const out: Target[] = [];
  for (const [scope, org] of cfg.scopeOrg) out.push({ scope, org, limits: cfg.scopeLimits.get(scope) });
  for (const [scope, limits] of cfg.scopeLimits) if (scope.startsWith('provider:')) out.push({ scope, org: PROVIDER_ORG, limits });
  const fromDb = [
    ...(await repos.keys.list({ limit: 1000 })).map((k) => `key:${k.id}`),
    ...(await Promise.all((['org', 'team', 'user'] as const).map(async (kind) => (await repos.entities.list(kind, { limit: 1000 })).map((e) => `${kind}:${e.id}`)))).flat(),
  ];
  for (const scope of fromDb) {
    if (cfg.scopeOrg.has(scope)) continue;
    const info = await lookupScope(cfg, repos, scope);
    if (info) out.push({ scope, org: info.org, limits: info.limits });
  }
  return out;
}

export async function reconcile(cfg: RuntimeConfig, deps: AdminDeps, repos: ScopeRepos): Promise<AdminResponse> {
  await deps.ledger.flush();
  const now = Date.now();
  const scopes = [];
  let totalDrift = 0n;
  for (const t of await targets(cfg, repos)) {
    const [kind, ...rest] = t.scope.split(':');
    const id = rest.join(':');
    const w = budgetWindow(t.limits, cfg.governance.timeZone, now);
    const counters = await deps.state.getUsage(t.org, t.scope, w.periodId, now, w.window);
    const ledger = await sumSpendByScope(deps.storage.db, kind as SpendScope, id, { from: spanStart(cfg, t.limits, now) });
    const drift = counters.spentNanos - ledger.cost_nanos;
    totalDrift += drift < 0n ? -drift : drift;
    scopes.push({
      scope: t.scope,
      period: periodLabel(t.limits),
      counters_spend_nanos: counters.spentNanos,
      ledger_spend_nanos: ledger.cost_nanos,
      drift_nanos: drift,
      drift_usd: nanosToUsd(drift),
      reserved_nanos: counters.reservedNanos,
      ledger_requests: ledger.requests,
    });
  }
  return ok({ ok: totalDrift === 0n, total_abs_drift_nanos: totalDrift, scopes });
}
