// `expires_in` for keys: "90s", "30m", "12h", "30d", "2w", or calendar months "1mo"/"6mo".
// Months rule: the same day-of-month and time, N months later in UTC; when that day does not exist
// (Jan 31 + 1mo), the last day of the target month (Feb 28/29) at the same time.

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function expiryFrom(now: number, expiresIn: string): number | undefined {
  const m = /^(\d+)\s*(mo|s|m|h|d|w)$/.exec(expiresIn.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n <= 0) return undefined;
  if (m[2] !== 'mo') return now + n * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  const d = new Date(now);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}
