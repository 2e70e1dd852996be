// GET /admin/reconcile — for every configured scope, the counters' spend in the current period
// against the ledger's sum for the same period. Drift 0 when all is well; anything else is a bug
// or a degraded period (fail-open), and is reported per scope.
import { nanosToUsd } from '../../core/money.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { periodId, periodStart } from '../../policy/budget-period.js';
import { sumSpendByScope, type SpendScope } from '../../storage/ledger-queries.js';
import { ok, type AdminDeps, type AdminResponse } from './admin-api.js';

export async function reconcile(cfg: RuntimeConfig, deps: AdminDeps): Promise<AdminResponse> {
  await deps.ledger.flush();
  const now = Date.now();
  const scopes = [];
  let totalDrift = 0n;
  for (const [scope, org] of cfg.scopeOrg) {
    const [kind, ...rest] = scope.split(':');
    const id = rest.join(':');
    const period = cfg.scopeLimits.get(scope)?.period ?? 'none';
    const counters = await deps.state.getUsage(org, scope, periodId(period, cfg.governance.timeZone, now));
    const ledger = await sumSpendByScope(deps.storage.db, kind as SpendScope, id, { from: periodStart(period, cfg.governance.timeZone, now) });
    const drift = counters.spentNanos - ledger.cost_nanos;
    totalDrift += drift < 0n ? -drift : drift;
    scopes.push({
      scope,
      period,
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
