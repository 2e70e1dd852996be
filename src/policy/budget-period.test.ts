import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetRetryAfterSeconds, budgetWindow, periodId, periodLabel, periodStart, ROLLING_WINDOWS, secondsUntilPeriodEnd } from './budget-period.js';

const at = (iso: string) => Date.parse(iso);

test('periods are calendar-aligned in the configured time zone', () => {
  // 2026-11-22 is a Sunday.
  assert.equal(periodId('monthly', 'UTC', at('2026-11-30T23:59:59Z')), 'm:2026-11');
  assert.equal(periodId('monthly', 'UTC', at('2026-12-01T00:00:00Z')), 'm:2026-12');
  assert.equal(periodId('daily', 'UTC', at('2026-11-22T10:00:00Z')), 'd:2026-11-22');
  assert.equal(periodId('weekly', 'UTC', at('2026-11-22T10:00:00Z')), 'w:2026-11-16');
  assert.equal(periodId('weekly', 'UTC', at('2026-11-23T00:00:00Z')), 'w:2026-11-23');
  // 23:30 UTC on the 30th is already December 1st in Paris.
  assert.equal(periodId('monthly', 'Europe/Paris', at('2026-11-30T23:30:00Z')), 'm:2026-12');
  assert.equal(periodId('daily', 'America/New_York', at('2026-11-22T03:00:00Z')), 'd:2026-11-21');
  assert.equal(periodId('none', 'UTC', 0), 'none');
});

test('the time to the end of a period is exact to the second', () => {
  assert.equal(secondsUntilPeriodEnd('daily', 'UTC', at('2026-11-22T23:59:00Z')), 60);
  assert.equal(secondsUntilPeriodEnd('monthly', 'UTC', at('2026-11-30T23:00:00Z')), 3600);
  assert.equal(secondsUntilPeriodEnd('weekly', 'UTC', at('2026-11-22T00:00:00Z')), 86_400);
  assert.equal(secondsUntilPeriodEnd('none', 'UTC', 0), undefined);
});

test('a rolling budget reads its series in buckets that never undercount the span', () => {
  const now = at('2026-11-22T10:20:00Z');
  assert.deepEqual(budgetWindow({ period: 'daily', window: 'rolling' }, 'Europe/Paris', now), { periodId: 'r:daily', window: { bucketMs: 3_600_000, buckets: 25 } });
  assert.deepEqual(budgetWindow({ period: 'daily' }, 'UTC', now), { periodId: 'd:2026-11-22' });
  assert.deepEqual(budgetWindow(undefined, 'UTC', now), { periodId: 'none' });
  for (const [period, span] of [['daily', 86_400_000], ['weekly', 7 * 86_400_000], ['monthly', 30 * 86_400_000]] as const) {
    const w = ROLLING_WINDOWS[period];
    // Spend counts for more than (buckets − 1) and at most `buckets` bucket lengths: never less than the span.
    assert.equal((w.buckets - 1) * w.bucketMs, span, period);
  }
  assert.equal(periodLabel({ period: 'weekly', window: 'rolling' }), 'rolling 7d');
  assert.equal(budgetRetryAfterSeconds({ period: 'daily', window: 'rolling' }, 'UTC', now), 40 * 60);
});

test('period starts and ends follow daylight saving time, so reconcile never counts a neighbouring hour', () => {
  // Paris leaves UTC+1 for UTC+2 on 2026-03-29 and returns on 2026-10-25.
  assert.equal(periodStart('monthly', 'Europe/Paris', at('2026-04-15T10:00:00Z')), at('2026-03-31T22:00:00Z'));
  assert.equal(periodStart('monthly', 'Europe/Paris', at('2026-03-30T12:00:00Z')), at('2026-02-28T23:00:00Z'));
  // The day of the change has 23 hours: it ends at 22:00 UTC.
  assert.equal(periodStart('daily', 'Europe/Paris', at('2026-03-29T12:00:00Z')), at('2026-03-28T23:00:00Z'));
  assert.equal(secondsUntilPeriodEnd('daily', 'Europe/Paris', at('2026-03-29T12:00:00Z')), 10 * 3600);
  assert.equal(secondsUntilPeriodEnd('monthly', 'Europe/Paris', at('2026-10-31T22:00:00Z')), 3600);
  // New York's week starting the Monday after its change begins at 04:00 UTC, not 05:00.
  assert.equal(periodStart('weekly', 'America/New_York', at('2026-03-10T12:00:00Z')), at('2026-03-09T04:00:00Z'));
  // Santiago skips midnight on 2026-09-06 (00:00 becomes 01:00): the day begins at the jump.
  assert.equal(periodStart('daily', 'America/Santiago', at('2026-09-06T12:00:00Z')), at('2026-09-06T04:00:00Z'));
  assert.equal(periodId('daily', 'America/Santiago', at('2026-09-06T03:59:59Z')), 'd:2026-09-05');
  // Zones with odd offsets.
  assert.equal(periodStart('daily', 'Asia/Kolkata', at('2026-09-06T12:00:00Z')), at('2026-09-05T18:30:00Z'));
  assert.equal(periodStart('monthly', 'Pacific/Chatham', at('2026-09-06T12:00:00Z')), at('2026-08-31T11:15:00Z'));
  // Every instant of a period maps to the same start, and the start is in the period.
  for (const tz of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe']) {
    for (let t = at('2026-03-01T00:00:00Z'); t < at('2026-04-15T00:00:00Z'); t += 3_600_000 + 17_000) {
      for (const period of ['daily', 'weekly', 'monthly'] as const) {
        const start = periodStart(period, tz, t);
        assert.ok(start <= t, `${period} ${tz} ${new Date(t).toISOString()}`);
        assert.equal(periodId(period, tz, start), periodId(period, tz, t), `${period} ${tz} ${new Date(t).toISOString()}`);
        assert.notEqual(periodId(period, tz, start - 1), periodId(period, tz, t), `${period} ${tz} ${new Date(t).toISOString()}: starts too late`);
      }
    }
  }
});

test('the cached current period follows the clock across a boundary, forwards and back', () => {
  const at = (iso: string) => Date.parse(iso);
  // Midnight on the 1st in Paris (CEST, UTC+2) is 22:00 UTC the day before.
  assert.equal(periodId('monthly', 'Europe/Paris', at('2026-06-30T21:59:59.999Z')), 'm:2026-06');
  assert.equal(periodId('monthly', 'Europe/Paris', at('2026-06-30T22:00:00Z')), 'm:2026-07');
  assert.equal(periodId('monthly', 'Europe/Paris', at('2026-06-30T21:59:59.999Z')), 'm:2026-06');
  assert.equal(periodId('daily', 'Europe/Paris', at('2026-06-30T22:00:00Z')), 'd:2026-07-01');
  assert.equal(periodId('daily', 'UTC', at('2026-06-30T22:00:00Z')), 'd:2026-06-30');
});
