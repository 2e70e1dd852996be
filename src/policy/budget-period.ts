// Calendar budget periods in a configured time zone. The period id keys the counters, so spend
// rolls over exactly at local midnight (daily), Monday 00:00 (weekly) or the 1st (monthly).
import type { BudgetPeriod } from '../config/runtime.js';

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

export function periodId(period: BudgetPeriod, tz: string, now: number): string {
  if (period === 'none') return 'none';
  const p = parts(tz, now);
  if (period === 'monthly') return `m:${p.y}-${pad(p.m)}`;
  if (period === 'daily') return `d:${p.y}-${pad(p.m)}-${pad(p.d)}`;
  // Weekly: the Monday that starts this week, as a civil date.
  const monday = new Date(Date.UTC(p.y, p.m - 1, p.d - p.wd));
  return `w:${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
}

/** Seconds until the current period ends (for Retry-After on a budget refusal); undefined for `none`. */
export function secondsUntilPeriodEnd(period: BudgetPeriod, tz: string, now: number): number | undefined {
  if (period === 'none') return undefined;
  const p = parts(tz, now);
  const elapsedToday = p.h * 3600 + p.mi * 60 + p.s;
  let days: number;
  if (period === 'daily') days = 1;
  else if (period === 'weekly') days = 7 - p.wd;
  else days = new Date(Date.UTC(p.y, p.m, 0)).getUTCDate() - p.d + 1;
  // Ignores a DST shift inside the remaining span (at most an hour early or late: a hint only).
  return Math.max(1, days * 86_400 - elapsedToday);
}

/** When the current period began (ms since the epoch); 0 for `none`. Used to reconcile counters with the ledger. */
export function periodStart(period: BudgetPeriod, tz: string, now: number): number {
  if (period === 'none') return 0;
  const p = parts(tz, now);
  const sinceMidnight = (p.h * 3600 + p.mi * 60 + p.s) * 1000 + (now % 1000);
  const back = period === 'daily' ? 0 : period === 'weekly' ? p.wd : p.d - 1;
  // Ignores a DST shift between the period start and now (reconcile reports such an hour as drift).
  return now - sinceMidnight - back * 86_400_000;
}
