// Budgets and limits as the database stores them (keys, users, teams, orgs created through the
// admin API), turned into the ScopeLimits admission enforces.
import type { BudgetPeriod, ScopeLimits } from '../core/limits.js';

export interface StoredLimitColumns {
  readonly budget_nanos: bigint | null;
  readonly budget_period: string | null;
  readonly budget_window: string | null;
  readonly limits: Readonly<Record<string, unknown>>;
}

const PERIODS: ReadonlySet<string> = new Set(['none', 'daily', 'weekly', 'monthly']);

const whole = (v: unknown): number | undefined => (Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : undefined);

/** Undefined when the row limits nothing (its spend is still tracked). */
export function limitsFromColumns(row: StoredLimitColumns): ScopeLimits | undefined {
  const rpm = whole(row.limits['rpm']);
  const tpm = whole(row.limits['tpm']);
  const maxParallel = whole(row.limits['max_parallel']);
  if (row.budget_nanos === null && rpm === undefined && tpm === undefined && maxParallel === undefined) return undefined;
  // An unknown period can only come from a hand-edited row: a lifetime budget is the strict reading.
  const period = (row.budget_period !== null && PERIODS.has(row.budget_period) ? row.budget_period : 'none') as BudgetPeriod;
  return {
    budgetNanos: row.budget_nanos ?? undefined,
    period,
    ...(row.budget_window === 'rolling' && period !== 'none' ? { window: 'rolling' as const } : {}),
    rpm,
    tpm,
    maxParallel,
  };
}
