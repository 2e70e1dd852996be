// Calendar budget periods in a configured time zone. The period id keys the counters, so spend
// rolls over exactly at local midnight (daily), Monday 00:00 (weekly) or the 1st (monthly).
import type { BudgetPeriod, ScopeLimits } from '../config/runtime.js';
import type { RollingWindow } from '../state/counter-store.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(tz: string, now: number): { y: number; m: number; d: number; wd: number; h: number; mi: number; s: number } {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(now)) o[p.type] = p.value;
  const wd = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(o['weekday']!);
  return { y: Number(o['year']), m: Number(o['month']), d: Number(o['day']), wd, h: Number(o['hour']), mi: Number(o['minute']), s: Number(o['second']) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The current period of each (period, zone), with its bounds: every request of a budgeted scope
 * asks for it, and Intl formatting was ~4 % of the gateway's CPU with budgets on. Recomputed only
 * when `now` leaves the cached period (at its end, or for a caller asking about another time).
 */
const currentPeriods = new Map<string, { readonly id: string; readonly start: number; readonly end: number }>();

export function periodId(period: BudgetPeriod, tz: string, now: number): string {
  if (period === 'none') return 'none';
  const key = `${period}\u0000${tz}`;
  const cached = currentPeriods.get(key);
  if (cached !== undefined && now >= cached.start && now < cached.end) return cached.id;
  const id = computePeriodId(period, tz, now);
  currentPeriods.set(key, { id, ...periodBounds(period, tz, now) });
  return id;
}

function computePeriodId(period: Exclude<BudgetPeriod, 'none'>, tz: string, now: number): string {
  const p = parts(tz, now);
  if (period === 'monthly') return `m:${p.y}-${pad(p.m)}`;
  if (period === 'daily') return `d:${p.y}-${pad(p.m)}-${pad(p.d)}`;
  // Weekly: the Monday that starts this week, as a civil date.
  const monday = new Date(Date.UTC(p.y, p.m - 1, p.d - p.wd));
  return `w:${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
}

/** Local (y, m, d) in `tz` as a civil date, normalised (day 0 = last day of the previous month). */
function civil(y: number, m: number, d: number): { y: number; m: number; d: number } {
  const t = new Date(Date.UTC(y, m - 1, d));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The zone's offset from UTC at `at` (local − UTC, ms). */
function offsetAt(tz: string, at: number): number {
  const p = parts(tz, at);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The instant local midnight begins the civil date (y, m, d) in `tz`, DST included: the offset is
 * read at the candidate instant and corrected once. Where midnight itself does not exist (a DST
 * jump at 00:00), the first instant of the day is the jump, and this lands on it.
 */
function zonedMidnight(tz: string, y: number, m: number, d: number): number {
  const wall = Date.UTC(y, m - 1, d);
  let t = wall - offsetAt(tz, wall);
  t = wall - offsetAt(tz, t);
  // Still inside the previous day (midnight skipped by a DST jump): move to the jump.
  const p = parts(tz, t);
  if (p.d !== d) t += 3_600_000 - ((p.mi * 60 + p.s) * 1000);
  return t;
}

/** When the current calendar period began and ends (ms since the epoch), in `tz`, DST included. */
function periodBounds(period: Exclude<BudgetPeriod, 'none'>, tz: string, now: number): { start: number; end: number } {
  const p = parts(tz, now);
  if (period === 'monthly') {
    const next = civil(p.y, p.m + 1, 1);
    return { start: zonedMidnight(tz, p.y, p.m, 1), end: zonedMidnight(tz, next.y, next.m, 1) };
  }
  const first = period === 'daily' ? civil(p.y, p.m, p.d) : civil(p.y, p.m, p.d - p.wd);
  const after = civil(first.y, first.m, first.d + (period === 'daily' ? 1 : 7));
  return { start: zonedMidnight(tz, first.y, first.m, first.d), end: zonedMidnight(tz, after.y, after.m, after.d) };
}

/** Seconds until the current period ends (for Retry-After on a budget refusal); undefined for `none`. */
export function secondsUntilPeriodEnd(period: BudgetPeriod, tz: string, now: number): number | undefined {
  if (period === 'none') return undefined;
  return Math.max(1, Math.ceil((periodBounds(period, tz, now).end - now) / 1000));
}

/** When the current period began (ms since the epoch); 0 for `none`. Used to reconcile counters with the ledger. */
export function periodStart(period: BudgetPeriod, tz: string, now: number): number {
  if (period === 'none') return 0;
  return periodBounds(period, tz, now).start;
}

const HOUR_MS = 3_600_000;

/**
 * Rolling budgets count the last 24 h / 7 d / 30 d in time buckets (state/counter-store.ts,
 * RollingWindow), so each check reads a bounded number of counters and stays one atomic script.
 * A bucket's spend counts for at least the full span and leaves at most one bucket late: daily in
 * 1 h buckets (24–25 h), weekly in 6 h buckets (7 d–7 d 6 h), monthly in 12 h buckets (30–30.5 d).
 * The window never undercounts, so the budget holds over every span of that length.
 */
export const ROLLING_WINDOWS: Readonly<Record<Exclude<BudgetPeriod, 'none'>, RollingWindow>> = Object.freeze({
  daily: { bucketMs: HOUR_MS, buckets: 25 },
  weekly: { bucketMs: 6 * HOUR_MS, buckets: 29 },
  monthly: { bucketMs: 12 * HOUR_MS, buckets: 61 },
});

const ROLLING_LABEL: Readonly<Record<Exclude<BudgetPeriod, 'none'>, string>> = { daily: 'rolling 24h', weekly: 'rolling 7d', monthly: 'rolling 30d' };

/** Which counters a scope's budget reads now: its calendar period, or its rolling series and window. */
export function budgetWindow(limits: Pick<ScopeLimits, 'period' | 'window'> | undefined, tz: string, now: number): { readonly periodId: string; readonly window?: RollingWindow } {
  const period = limits?.period ?? 'none';
  if (limits?.window === 'rolling' && period !== 'none') return { periodId: `r:${period}`, window: ROLLING_WINDOWS[period] };
  return { periodId: periodId(period, tz, now) };
}

/** Longest span of each calendar period: its counters are kept this long past the last request. */
const LONGEST_PERIOD_MS: Readonly<Record<Exclude<BudgetPeriod, 'none'>, number>> = { daily: 25 * 3_600_000, weekly: 7 * 86_400_000 + 3_600_000, monthly: 31 * 86_400_000 + 3_600_000 };
/** Counters of a period stay at least this long after it ends (nothing reads them then; the ledger keeps the history). */
const RETAIN_AFTER_PERIOD_MS = 7 * 86_400_000;

/**
 * When a calendar period's counters may be forgotten: at least a week after the period ends (a
 * full period length from now always reaches past its end, DST included), with no clock-zone
 * arithmetic on the request path. Undefined for lifetime budgets and rolling windows.
 */
export function periodRetainUntil(limits: Pick<ScopeLimits, 'period' | 'window'> | undefined, now: number): number | undefined {
  const period = limits?.period ?? 'none';
  if (period === 'none' || limits?.window === 'rolling') return undefined;
  return now + LONGEST_PERIOD_MS[period] + RETAIN_AFTER_PERIOD_MS;
}

/** How a refusal names the period: `monthly`, or `rolling 30d`. */
export function periodLabel(limits: Pick<ScopeLimits, 'period' | 'window'> | undefined): string {
  const period = limits?.period ?? 'none';
  return limits?.window === 'rolling' && period !== 'none' ? ROLLING_LABEL[period] : period;
}

/** Retry-After for a budget refusal: the period's end, or (rolling) when the oldest bucket can leave. */
export function budgetRetryAfterSeconds(limits: Pick<ScopeLimits, 'period' | 'window'> | undefined, tz: string, now: number): number | undefined {
  const period = limits?.period ?? 'none';
  if (limits?.window === 'rolling' && period !== 'none') {
    const b = ROLLING_WINDOWS[period].bucketMs;
    return Math.max(1, Math.ceil((b - (now % b)) / 1000));
  }
  return secondsUntilPeriodEnd(period, tz, now);
}
