// GET /admin/spend?scope=key:ID|user:ID|team:ID|org:ID|model:NAME|end_user:ID|provider:NAME|tag:NAME[&org=ORG]
// From the counters (what admission enforces), for the scope's current budget period. Scopes that
// are counted per organisation (model, end_user, tag) take `org` (default: `default`). A tag or a
// provider without a configured budget has no counters: its spend comes from the ledger
// (`source: ledger`, all time or `from`/`to`).
import { nanosToUsd } from '../../core/money.js';
import type { ScopeLimits } from '../../core/limits.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';
import { lookupScope, type ScopeRepos } from './scope-lookup.js';
import { currentUsage } from './scope-usage.js';
import { scopeLimitsFromConfig, PROVIDER_ORG } from '../../policy/config-scopes.js';
import { spendFromLedger } from './ledger-spend.js';

const SCOPE = /^(key|user|team|org|model|end_user|provider|tag):(.+)$/;

export async function scopeSpend(cfg: RuntimeConfig, q: URLSearchParams, deps: AdminDeps, repos: ScopeRepos): Promise<AdminResponse> {
  const scope = q.get('scope') ?? '';
  const m = SCOPE.exec(scope);
  if (!m) return adminError(400, 'invalid_scope', "Pass scope=key:ID, user:ID, team:ID, org:ID, model:NAME, end_user:ID, provider:NAME or tag:NAME (config keys' ids are cfg:<name>)");
  const kind = m[1]!;
  let org = q.get('org') ?? 'default';
  let limits: ScopeLimits | undefined;
  if (kind === 'key' || kind === 'user' || kind === 'team' || kind === 'org') {
    const info = await lookupScope(cfg, repos, scope);
    if (!info) return adminError(404, 'scope_not_found', `No ${kind} '${m[2]}' in the config or the database`);
    org = q.get('org') ?? info.org;
    limits = info.limits;
  } else {
    limits = scopeLimitsFromConfig(cfg, scope);
    // Provider budgets are global, not per organisation.
    if (kind === 'provider') org = PROVIDER_ORG;
    // Unbudgeted tags and providers have no counters: the ledger answers.
    if ((kind === 'tag' || kind === 'provider') && !limits) return ok(await spendFromLedger(deps, scope, kind, m[2]!, q));
  }
  const { periodId: pid, usage: u } = await currentUsage(deps.state, cfg, org, scope, limits);
  return ok({
    scope,
    org,
    source: 'counters',
    period: limits?.period ?? 'none',
    window: limits?.window ?? 'calendar',
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
