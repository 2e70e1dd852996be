import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCohereError } from './map-error.js';
import { NOW } from './test-fixtures.js';

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  return mapCohereError({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), now: NOW });
}

test('the message of the body, the upstream status, and Retry-After', () => {
  const e = map(429, { message: 'too many requests' }, { 'retry-after': '7' });
  assert.equal(e.message, 'too many requests');
  assert.equal(e.upstreamStatus, 429);
  assert.equal(e.retryable, true);
  assert.equal(e.retryAfterSeconds, 7);
});

test('retryable: 408, 429, 500, 503, 504; not 400, 401, 422, 498, 499, 501', () => {
  const retryable = (s: number) => map(s, { message: 'x' }).retryable;
  assert.deepEqual([408, 429, 500, 503, 504].map(retryable), [true, true, true, true, true]);
  assert.deepEqual([400, 401, 422, 498, 499, 501].map(retryable), [false, false, false, false, false, false]);
});

test('498 (invalid token) is an authentication error', () => {
  assert.equal(map(498, { message: 'invalid api token' }).type, 'authentication_error');
});

test('a monthly quota 429 is not retried', () => {
  assert.equal(map(429, { message: 'You are using a Trial key, which is limited to 1000 API calls / month.' }).retryable, false);
});

test('a body that is not Cohere JSON still gives a useful message', () => {
  assert.equal(map(502, '<html>bad gateway</html>').message, 'Cohere returned HTTP 502: <html>bad gateway</html>');
  assert.equal(map(503, '').message, 'Cohere returned HTTP 503');
});
