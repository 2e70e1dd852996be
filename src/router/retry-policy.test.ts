import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError, InvalidRequestError, UpstreamError, UpstreamUnavailableError } from '../core/errors.js';
import { backoffDelayMs, decideNextStep, isRetryable, parseRetryAfterMs, RetryBudget, retryHintMs } from './retry-policy.js';

const policy = { baseMs: 100, capMs: 2_000, maxHintMs: 60_000 };

test('backoff uses full jitter under min(cap, base·2^attempt)', () => {
  assert.equal(backoffDelayMs(0, policy, () => 0.5), 50);
  assert.equal(backoffDelayMs(3, policy, () => 0.5), 400);
  assert.equal(backoffDelayMs(10, policy, () => 0.999), 1998);
  assert.equal(backoffDelayMs(5000, policy, () => 0.5), 1000, 'huge attempts still cap');
  assert.equal(backoffDelayMs(4, policy, () => 0), 0, 'full jitter reaches zero');
});

test('isRetryable follows GatewayError.retryable; non-retryable 4xx and foreign errors are never retried', () => {
  assert.equal(isRetryable(new UpstreamError({ status: 429, message: 'x', retryable: true })), true);
  assert.equal(isRetryable(new UpstreamUnavailableError('upstream_timeout', 'slow')), true);
  assert.equal(isRetryable(new UpstreamError({ status: 400, message: 'bad', retryable: false })), false);
  assert.equal(isRetryable(new InvalidRequestError('bad')), false);
  assert.equal(isRetryable(new Error('boom')), false);
});

test('parseRetryAfterMs reads retry-after-ms first, then seconds, then an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
  assert.equal(parseRetryAfterMs({ 'retry-after': '7' }, now), 7000);
  assert.equal(parseRetryAfterMs({ 'retry-after': ['1.5'] }, now), 1500);
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }, now), 12_000);
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now), 0, 'a past date is zero');
  assert.equal(parseRetryAfterMs({ 'retry-after': 'soon' }, now), undefined);
  assert.equal(parseRetryAfterMs({}, now), undefined);
});

test('retryHintMs prefers a precise hint, else the error’s retryAfterSeconds', () => {
  const e = new UpstreamError({ status: 429, message: 'x', retryable: true, retryAfterSeconds: 3 });
  assert.equal(retryHintMs(e), 3000);
  assert.equal(retryHintMs(e, 120), 120);
  assert.equal(retryHintMs(new GatewayError('x', 500, 'x')), undefined);
});

test('a retryable failure moves to the next planned target at once, without waiting for its hint', () => {
  const err = new UpstreamError({ status: 429, message: 'x', retryable: true, retryAfterSeconds: 30 });
  assert.deepEqual(decideNextStep({ err, sameTargetRetries: 0, hasNextTarget: true }), { action: 'next_target' });
});

test('with nothing left in the plan, the same target is retried after its hint or a jittered backoff', () => {
  const r429 = (s?: number) => new UpstreamError({ status: 429, message: 'x', retryable: true, retryAfterSeconds: s });
  const base = { sameTargetRetries: 0, hasNextTarget: false, policy };
  assert.deepEqual(decideNextStep({ ...base, err: r429(2) }), { action: 'retry_same', delayMs: 2000, hinted: true });
  assert.deepEqual(decideNextStep({ ...base, err: r429(), hintMs: 30 }), { action: 'retry_same', delayMs: 30, hinted: true });
  assert.deepEqual(decideNextStep({ ...base, err: r429(), sameTargetRetries: 1, random: () => 0.5 }), { action: 'retry_same', delayMs: 100, hinted: false });
  assert.deepEqual(decideNextStep({ ...base, err: r429(61) }), { action: 'stop', reason: 'hint_too_long' }, 'a long hint is surfaced, not waited out');
  assert.deepEqual(decideNextStep({ ...base, err: r429(5), remainingMs: 4000 }), { action: 'stop', reason: 'deadline' });
  assert.deepEqual(decideNextStep({ ...base, err: r429(), sameTargetRetries: 2 }), { action: 'stop', reason: 'plan_exhausted' });
  assert.deepEqual(decideNextStep({ ...base, err: r429(), sameTargetRetries: 2, maxSameTargetRetries: 3, random: () => 0 }), {
    action: 'retry_same',
    delayMs: 0,
    hinted: false,
  });
});

test('never retries a non-retryable error, a started stream, or past the budget', () => {
  const r500 = new UpstreamError({ status: 500, message: 'x', retryable: true });
  const never = () => assert.fail('budget not asked');
  assert.deepEqual(decideNextStep({ err: new InvalidRequestError('no'), sameTargetRetries: 0, hasNextTarget: true, acquireBudget: never }), {
    action: 'stop',
    reason: 'not_retryable',
  });
  assert.deepEqual(decideNextStep({ err: r500, sameTargetRetries: 0, hasNextTarget: true, streamStarted: true, acquireBudget: never }), {
    action: 'stop',
    reason: 'stream_started',
  });
  assert.deepEqual(decideNextStep({ err: r500, sameTargetRetries: 0, hasNextTarget: true, acquireBudget: () => false }), { action: 'stop', reason: 'budget_exhausted' });
  assert.deepEqual(decideNextStep({ err: r500, sameTargetRetries: 9, hasNextTarget: false, acquireBudget: never }), { action: 'stop', reason: 'plan_exhausted' });
});

test('retry budget allows the floor plus ratio·requests per window, then refuses', () => {
  const now = 1_000_000;
  const b = new RetryBudget({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 0.5, now: () => now });
  // floor = 0.5/s × 10 s = 5 retries with no traffic at all
  let granted = 0;
  while (b.tryAcquire('a')) granted++;
  assert.equal(granted, 5);
  for (let i = 0; i < 100; i++) b.recordRequest('a');
  granted = 0;
  while (b.tryAcquire('a')) granted++;
  assert.equal(granted, 20, '20 % of 100 requests');
  assert.equal(b.tryAcquire('b'), true, 'keys are independent');
});

test('retry budget recovers as the window slides past old retries', () => {
  let now = 0;
  const b = new RetryBudget({ ratio: 0, windowMs: 10_000, minRetriesPerSecond: 0.3, now: () => now });
  while (b.tryAcquire()) {
    /* drain the 3 allowed */
  }
  assert.equal(b.available(), 0);
  now += 5_000;
  assert.equal(b.tryAcquire(), false, 'still inside the window');
  now += 5_000;
  assert.equal(b.available(), 3, 'old slots expired');
  now += 1_000_000;
  assert.equal(b.tryAcquire(), true, 'a long gap does not resurrect stale slots');
});

test('a failing deployment under load gets at most ~20 % extra calls from retries (no storm)', () => {
  let now = 0;
  const b = new RetryBudget({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 3, now: () => now });
  let calls = 0;
  for (let ms = 0; ms < 60_000; ms += 10) {
    now = ms;
    b.recordRequest('dead');
    calls++;
    // every call fails; each request would like up to 3 retries
    for (let k = 0; k < 3 && b.tryAcquire('dead'); k++) calls++;
  }
  const first = 6000; // 100 rps for 60 s
  assert.ok(calls <= first * 1.2 + 3 * 60 + 30, `calls ${calls}`);
  assert.ok(calls > first * 1.1, 'retries are still allowed within budget');
});

test('RetryBudget refuses nonsense options', () => {
  assert.throws(() => new RetryBudget({ ratio: -1, windowMs: 10, minRetriesPerSecond: 1 }), RangeError);
  assert.throws(() => new RetryBudget({ ratio: 0.1, windowMs: 0, minRetriesPerSecond: 1 }), RangeError);
});
