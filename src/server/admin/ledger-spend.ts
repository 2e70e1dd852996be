// Spend of a tag or provider that has no budget, summed from the ledger: only budgeted ones get
// counters (tags are client-chosen; a counter per provider would cost every request a round trip).
// `from` / `to` (ISO 8601 or ms) bound the span; the default is all time.
import { nanosToUsd } from '../../core/money.js';
import { sumSpendByScope, sumSpendByTag } from '../../storage/ledger-queries.js';
import type { AdminDeps } from './admin-api.js';

function time(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : undefined;
}

export async function spendFromLedger(deps: AdminDeps, scope: string, kind: 'tag' | 'provider', id: string, q: URLSearchParams): Promise<Record<string, unknown>> {
  await deps.ledger.flush();
  const from = time(q.get('from'));
  const to = time(q.get('to'));
  const range = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  const s = kind === 'tag' ? await sumSpendByTag(deps.storage.db, id, range) : await sumSpendByScope(deps.storage.db, 'provider', id, range);
  return {
    scope,
    org: null,
    source: 'ledger',
    period: 'none',
    window: 'calendar',
    period_id: 'none',
    from: from === undefined ? null : new Date(from).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
    spend_usd: nanosToUsd(s.cost_nanos),
    reserved_usd: 0,
    spend_nanos: s.cost_nanos,
    reserved_nanos: 0n,
    budget_usd: null,
    requests: s.requests,
    in_flight: 0,
    requests_last_minute: 0,
    tokens_last_minute: 0,
    input_tokens: s.input_tokens,
    output_tokens: s.output_tokens,
  };
}
