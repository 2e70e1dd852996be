import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidRequestError, UpstreamError, UpstreamUnavailableError } from '../core/errors.js';
import { AllAttemptsFailedError, failedAttempt, type SkippedTarget } from './all-attempts-failed.js';

const r429 = (s?: number) => new UpstreamError({ status: 429, message: 'Rate limit reached', upstreamCode: 'rate_limit_exceeded', retryable: true, retryAfterSeconds: s });

test('429 when every attempt was rate limited, with the smallest Retry-After', () => {
  const e = new AllAttemptsFailedError('gpt', [failedAttempt('a/x', r429(20)), failedAttempt('b/y', r429(5)), failedAttempt('c/z', r429())]);
  assert.equal(e.status, 429);
  assert.equal(e.code, 'all_attempts_failed');
  assert.equal(e.type, 'rate_limit_error');
  assert.equal(e.retryAfterSeconds, 5);
  assert.equal(e.retryable, true);
});

test('503 when any attempt hit an overloaded or unreachable upstream', () => {
  const e = new AllAttemptsFailedError('gpt', [
    failedAttempt('a/x', r429(3)),
    failedAttempt('b/y', new UpstreamUnavailableError('upstream_unreachable', 'connect ECONNREFUSED')),
  ]);
  assert.equal(e.status, 503);
  assert.equal(e.retryAfterSeconds, 3, 'the 429 hint still helps');
  const overloaded = new AllAttemptsFailedError('claude', [failedAttempt('anthropic/c', new UpstreamError({ status: 529, message: 'Overloaded', retryable: true }))]);
  assert.equal(overloaded.status, 503);
});

test('502 when upstreams answered with other errors', () => {
  const e = new AllAttemptsFailedError('gpt', [
    failedAttempt('a/x', new UpstreamError({ status: 500, message: 'boom', retryable: true })),
    failedAttempt('b/y', r429()),
  ]);
  assert.equal(e.status, 502);
  assert.equal(e.retryAfterSeconds, undefined);
});

test('lists every attempt and every skipped target, in the message and in details', () => {
  const skipped: SkippedTarget[] = [{ deployment: 'vision/none', group: 'fallback', kind: 'incapable', reason: 'no image input' }];
  const e = new AllAttemptsFailedError('gpt', [failedAttempt('a/x', r429(1), 12), failedAttempt('b/y', new UpstreamError({ status: 500, message: 'boom', retryable: true }))], skipped);
  assert.match(e.message, /All 2 attempts for model 'gpt' failed: a\/x → 429 rate_limit_exceeded; b\/y → 500 upstream_error\. Skipped: vision\/none \(no image input\)/);
  assert.deepEqual(e.details['attempts'], [
    { deployment: 'a/x', status: 429, code: 'upstream_error', upstream_code: 'rate_limit_exceeded', message: 'Rate limit reached', latency_ms: 12 },
    { deployment: 'b/y', status: 500, code: 'upstream_error', upstream_code: null, message: 'boom' },
  ]);
  assert.deepEqual(e.details['skipped'], [{ deployment: 'vision/none', group: 'fallback', kind: 'incapable', reason: 'no image input' }]);
  assert.equal(e.attempts.length, 2);
});

test('nothing called: 400 when every target is incapable, 503 when breakers were open', () => {
  const incapable = new AllAttemptsFailedError('gpt', [], [{ deployment: 'a/x', group: 'gpt', kind: 'incapable', reason: 'no image input' }]);
  assert.equal(incapable.status, 400);
  assert.equal(incapable.param, 'model');
  assert.match(incapable.message, /No deployment for model 'gpt' could take this request: a\/x \(no image input\)/);
  const open = new AllAttemptsFailedError('gpt', [], [{ deployment: 'a/x', group: 'gpt', kind: 'breaker_open', reason: 'breaker open' }]);
  assert.equal(open.status, 503);
  assert.equal(open.retryable, true);
});

test('failedAttempt keeps gateway codes and wraps foreign errors', () => {
  assert.equal(failedAttempt('a/x', new InvalidRequestError('bad')).code, 'invalid_request');
  const f = failedAttempt('a/x', new Error('kaboom'));
  assert.deepEqual([f.status, f.code, f.retryable], [500, 'internal_error', false]);
  assert.ok(failedAttempt('a/x', new UpstreamError({ status: 500, message: 'x'.repeat(1000), retryable: true })).message.length <= 301);
});
