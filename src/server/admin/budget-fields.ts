// The writable fields that keys, users, teams and orgs share in the admin API: name, budget,
// limits, metadata. One checker, so every endpoint accepts and refuses exactly the same shapes.
import { nanosToUsd, usdToNanos } from '../../core/money.js';
import type { ScopeLimits } from '../../core/limits.js';
import { metadataTagsProblem } from '../../policy/request-tags.js';
import { adminError, type AdminResponse } from './admin-api.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const PERIODS = new Set(['none', 'daily', 'weekly', 'monthly']);
const WINDOWS = new Set(['calendar', 'rolling']);
const LIMIT_FIELDS = new Set(['rpm', 'tpm', 'max_parallel']);

export type Body = Record<string, unknown>;
export type Checked<T> = { ok: true; value: T } | { ok: false; error: AdminResponse };

export const bad = (field: string, message: string): { ok: false; error: AdminResponse } => ({
  ok: false,
  error: adminError(400, 'invalid_parameter', `${field}: ${message}`, { param: field }),
});

export function isObject(v: unknown): v is Body {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Budget columns as stored; all null when the budget is removed (`budget: null`). */
export interface BudgetColumns {
  readonly budget_nanos: bigint | null;
  readonly budget_period: string | null;
  readonly budget_window: string | null;
}

export function checkName(v: unknown): Checked<string> {
  if (typeof v !== 'string' || !NAME_PATTERN.test(v)) return bad('name', 'expected a name of letters, digits and ._:/- (at most 128)');
  return { ok: true, value: v };
}

export function checkBudget(bu: unknown): Checked<BudgetColumns> {
  if (bu === null) return { ok: true, value: { budget_nanos: null, budget_period: null, budget_window: null } };
  if (!isObject(bu)) return bad('budget', 'expected {usd, period?, window?}');
  const { usd, period = 'monthly', window = 'calendar', ...rest } = bu;
  if (Object.keys(rest).length) return bad(`budget.${Object.keys(rest)[0]}`, 'unknown field');
  let nanos: bigint;
  try {
    if (typeof usd !== 'number' && typeof usd !== 'string') throw new RangeError('missing');
    nanos = usdToNanos(usd);
    if (nanos < 0n || nanos >= 2n ** 63n) throw new RangeError('out of range');
  } catch {
    return bad('budget.usd', 'expected a non-negative USD amount with at most 9 decimals');
  }
  if (typeof period !== 'string' || !PERIODS.has(period)) return bad('budget.period', 'expected none, daily, weekly or monthly');
  if (typeof window !== 'string' || !WINDOWS.has(window)) return bad('budget.window', 'expected calendar or rolling');
  if (window === 'rolling' && period === 'none') return bad('budget.window', 'a rolling window needs a daily, weekly or monthly period');
  return { ok: true, value: { budget_nanos: nanos, budget_period: period, budget_window: window === 'rolling' ? 'rolling' : null } };
}

export function checkLimits(l: unknown): Checked<Record<string, number>> {
  if (!isObject(l)) return bad('limits', 'expected {rpm?, tpm?, max_parallel?}');
  for (const [k, v] of Object.entries(l)) {
    if (!LIMIT_FIELDS.has(k)) return bad(`limits.${k}`, 'unknown field');
    if (!Number.isSafeInteger(v) || (v as number) < 1) return bad(`limits.${k}`, 'expected a whole number ≥ 1');
  }
  return { ok: true, value: l as Record<string, number> };
}

export function checkMetadata(md: unknown): Checked<Record<string, unknown>> {
  if (!isObject(md)) return bad('metadata', 'expected an object');
  const tags = metadataTagsProblem(md);
  if (tags !== undefined) return bad('metadata.tags', tags);
  return { ok: true, value: md };
}

/** The budget as the API shows it. */
export function budgetView(b: BudgetColumns): { usd: number; period: string | null; window: string } | null {
  return b.budget_nanos === null ? null : { usd: nanosToUsd(b.budget_nanos), period: b.budget_period, window: b.budget_window ?? 'calendar' };
}

/** A config-defined scope's budget and limits, in the same shapes as database rows. */
export function viewOfLimits(l: ScopeLimits | undefined): { budget: ReturnType<typeof budgetView>; limits: Record<string, number> } {
  if (!l) return { budget: null, limits: {} };
  const limits: Record<string, number> = {};
  if (l.rpm !== undefined) limits['rpm'] = l.rpm;
  if (l.tpm !== undefined) limits['tpm'] = l.tpm;
  if (l.maxParallel !== undefined) limits['max_parallel'] = l.maxParallel;
  return {
    budget: budgetView({ budget_nanos: l.budgetNanos ?? null, budget_period: l.period, budget_window: l.window === 'rolling' ? 'rolling' : null }),
    limits,
  };
}
