import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetRetryAfterSeconds, budgetWindow, periodId, periodLabel, ROLLING_WINDOWS, secondsUntilPeriodEnd } from './budget-period.js';

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
