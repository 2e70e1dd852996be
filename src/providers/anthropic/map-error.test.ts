import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError } from '../../core/errors.js';
import { mapAnthropicError } from './map-error.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function body(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });
}

function map(status: number, b: string, headers: Record<string, string> = {}): UpstreamError {
  return mapAnthropicError({ status, headers, body: b, now: NOW });
}

test('529 overloaded_error is retryable and keeps its status (the OpenAI surface shows it as 503)', () => {
  const e = map(529, body('overloaded_error', 'Overloaded'));
  assert.equal(e.status, 529);
  assert.equal(e.upstreamStatus, 529);
  assert.equal(e.retryable, true);
  assert.equal(e.upstreamCode, 'overloaded_error');
  assert.equal(e.message, 'Overloaded');
});

test('429 rate_limit_error is retryable with Retry-After; a spend-limit 429 and a 402 billing_error are not', () => {
  const limited = map(429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'retry-after': '12' });
  assert.equal(limited.retryable, true);
  assert.equal(limited.retryAfterSeconds, 12);
  assert.equal(map(429, body('rate_limit_error', 'You have reached your specified workspace API usage limits / spend limit')).retryable, false);
  assert.equal(map(402, body('billing_error', 'Your credit balance is too low')).retryable, false);
});

test('client errors are not retryable and carry Anthropic\'s message and type', () => {
  const table: [number, string, boolean][] = [
    [400, 'invalid_request_error', false],
    [401, 'authentication_error', false],
    [403, 'permission_error', false],
    [404, 'not_found_error', false],
    [413, 'request_too_large', false],
    [500, 'api_error', true],
    [504, 'timeout_error', true],
  ];
  for (const [status, type, retryable] of table) {
    const e = map(status, body(type, `about ${type}`));
    assert.equal(e.retryable, retryable, type);
    assert.equal(e.type, type);
    assert.equal(e.message, `about ${type}`);
    assert.equal(e.details['upstream_status'], status);
  }
});

test('a body that is not Anthropic JSON still gives a useful message', () => {
  const e = map(502, '<html>bad gateway</html>');
  assert.match(e.message, /HTTP 502: <html>bad gateway/);
  assert.equal(e.retryable, true);
});
