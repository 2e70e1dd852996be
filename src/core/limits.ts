/** Calendar budget periods (in the configured time zone); `none` = a lifetime budget. */
export type BudgetPeriod = 'none' | 'daily' | 'weekly' | 'monthly';

/** The limits on one scope (`key:…`, `user:…`, `team:…`, `org:…`, `model:…`). */
export interface ScopeLimits {
  /** Nano-dollars per period; undefined = spend tracked, not limited. */
  readonly budgetNanos: bigint | undefined;
  readonly period: BudgetPeriod;
  /** How a daily/weekly/monthly budget counts: calendar periods (default) or the last 24 h / 7 d / 30 d. */
  readonly window?: 'calendar' | 'rolling';
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly maxParallel: number | undefined;
}
