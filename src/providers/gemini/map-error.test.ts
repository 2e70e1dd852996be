import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapGeminiError } from './map-error.js';
import { googleError, NOW } from './test-fixtures.js';

const map = (status: number, body: string, headers: Record<string, string> = {}) => mapGeminiError({ status, headers, body, now: NOW });

const RETRY_INFO = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '27s' };
const quota = (quotaId: string) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'm', quotaId }] });

test('429 RESOURCE_EXHAUSTED is retryable and its RetryInfo.retryDelay is the wait', () => {
  const e = map(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [quota('GenerateRequestsPerMinutePerProjectPerModel'), RETRY_INFO]));
  assert.equal(e.status, 429);
  assert.equal(e.retryable, true);
  assert.equal(e.retryAfterSeconds, 27);
  assert.equal(e.upstreamCode, 'RESOURCE_EXHAUSTED');
  assert.equal(e.message, 'Resource has been exhausted (e.g. check quota).');
  assert.equal(map(429, googleError(429, 'RESOURCE_EXHAUSTED', 'x', [{ ...RETRY_INFO, retryDelay: '1.2s' }])).retryAfterSeconds, 2);
});

test('a Retry-After header wins over RetryInfo; a per-day quota is not worth retrying', () => {
  assert.equal(map(429, googleError(429, 'RESOURCE_EXHAUSTED', 'x', [RETRY_INFO]), { 'retry-after': '9' }).retryAfterSeconds, 9);
  const daily = map(429, googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota', [quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier'), RETRY_INFO]));
  assert.equal(daily.retryable, false);
});

test('503 UNAVAILABLE (overloaded), 500 and 504 are retryable; 400, 403, 404 are not', () => {
  for (const [status, name] of [[503, 'UNAVAILABLE'], [500, 'INTERNAL'], [504, 'DEADLINE_EXCEEDED']] as const) {
    assert.equal(map(status, googleError(status, name, 'x')).retryable, true, name);
  }
  for (const [status, name] of [[400, 'INVALID_ARGUMENT'], [403, 'PERMISSION_DENIED'], [404, 'NOT_FOUND']] as const) {
    const e = map(status, googleError(status, name, 'x'));
    assert.equal(e.retryable, false, name);
    assert.equal(e.status, status);
  }
});

test('an invalid API key (400 API_KEY_INVALID) is typed as an authentication error; array-wrapped and unreadable bodies still map', () => {
  const key = map(400, googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]));
  assert.equal(key.type, 'authentication_error');
  assert.equal(key.retryable, false);
  const wrapped = map(500, `[${googleError(500, 'INTERNAL', 'boom')}]`);
  assert.equal(wrapped.message, 'boom');
  const html = map(502, '<html>Bad Gateway</html>');
  assert.equal(html.retryable, true);
  assert.match(html.message, /Gemini returned HTTP 502: <html>/);
});
