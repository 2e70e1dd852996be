import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedParameterError, UpstreamError } from '../core/errors.js';
import { AllAttemptsFailedError, failedAttempt, type SkippedTarget } from './all-attempts-failed.js';
import { isTargetRefusal, NoCapableTargetError, planExhausted, refusalSkip } from './plan-exhausted.js';

const refusal = (target: string) => new UnsupportedParameterError('logprobs', target);
const boom = new UpstreamError({ status: 500, message: 'boom', upstreamCode: 'server_error', retryable: true });

test('a refusal is a skip of that target, with its message as the reason', () => {
  const e = refusal('anthropic/c');
  assert.equal(isTargetRefusal(e), true);
  assert.equal(isTargetRefusal(boom), false);
  assert.deepEqual(refusalSkip('anthropic/c', 'g', e), { deployment: 'anthropic/c', group: 'g', kind: 'incapable', reason: "Parameter 'logprobs' is not supported by anthropic/c" });
});

test('R7: the only target refused: its own 400, unchanged', () => {
  const e = refusal('anthropic/c');
  assert.equal(planExhausted('m', [], [refusalSkip('anthropic/c', 'g', e)], [e]), e);
});

test('R7: every target refused or unfit: one 400 unsupported_parameter naming each and why', () => {
  const e1 = refusal('anthropic/a');
  const e2 = refusal('anthropic/b');
  const skipped: SkippedTarget[] = [refusalSkip('anthropic/a', 'g', e1), { deployment: 'p/text', group: 'h', kind: 'incapable', reason: 'p/text takes no image input' }, refusalSkip('anthropic/b', 'h', e2)];
  const err = planExhausted('m', [], skipped, [e1, e2]);
  assert.ok(err instanceof NoCapableTargetError);
  assert.equal(err.status, 400);
  assert.equal(err.code, 'unsupported_parameter');
  assert.equal(err.param, 'logprobs');
  assert.match(err.message, /anthropic\/a: .*p\/text: p\/text takes no image input; anthropic\/b: /);
  assert.deepEqual((err.details['skipped'] as SkippedTarget[]).map((s) => s.deployment), ['anthropic/a', 'p/text', 'anthropic/b']);
});

test('R1: when a target was called and failed, all_attempts_failed lists the call and the skips', () => {
  const e = refusal('anthropic/b');
  const err = planExhausted('m', [failedAttempt('p/a', boom)], [refusalSkip('anthropic/b', 'g', e)], [e]);
  assert.ok(err instanceof AllAttemptsFailedError);
  assert.equal(err.status, 502);
  assert.deepEqual(err.skipped.map((s) => s.kind), ['incapable']);
});

test('an open breaker is not a reason to tell the client its request is unservable', () => {
  const e = refusal('anthropic/b');
  const err = planExhausted('m', [], [{ deployment: 'p/a', group: 'g', kind: 'breaker_open', reason: 'circuit breaker open' }, refusalSkip('anthropic/b', 'g', e)], [e]);
  assert.ok(err instanceof AllAttemptsFailedError);
  assert.equal(err.status, 503);
});
