// GET /admin/spend?scope=key:ID|user:ID|team:ID|org:ID|model:NAME[&org=ORG] — from the counters
// (what admission enforces), for the scope's current budget period.
import { nanosToUsd } from '../../core/money.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { periodId } from '../../policy/budget-period.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';

const SCOPE = /^(key|user|team|org|model|end_user):(.+)$/;

export async function scopeSpend(cfg: RuntimeConfig, q: URLSearchParams, deps: AdminDeps): Promise<AdminResponse> {
  const scope = q.get('scope') ?? '';
  if (!SCOPE.test(scope)) return adminError(400, 'invalid_scope', "Pass scope=key:ID, user:ID, team:ID, org:ID or model:NAME (config keys' ids are cfg:<name>)");
  // Model scopes are counted per organisation (all of a request's counters share its org's hash tag).
  const org = q.get('org') ?? cfg.scopeOrg.get(scope) ?? 'default';
  const limits = cfg.scopeLimits.get(scope);
  const period = limits?.period ?? 'none';
  const pid = periodId(period, cfg.governance.timeZone, Date.now());
  const u = await deps.state.getUsage(org, scope, pid);
  return ok({
    scope,
    org,
    period,
    period_id: pid,
    spend_usd: nanosToUsd(u.spentNanos),
    reserved_usd: nanosToUsd(u.reservedNanos),
    spend_nanos: u.spentNanos,
    reserved_nanos: u.reservedNanos,
    budget_usd: limits?.budgetNanos === undefined ? null : nanosToUsd(limits.budgetNanos),
    requests: u.requests,
    in_flight: u.inFlight,
    requests_last_minute: u.requestsLastMinute,
    tokens_last_minute: u.tokensLastMinute,
  });
}
