import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapBedrockError } from './map-error.js';

const NOW = 1_760_000_000_000;
const err = (status: number, type: string | undefined, message = 'msg', headers: Record<string, string> = {}) =>
  mapBedrockError({ status, headers: { ...(type !== undefined ? { 'x-amzn-errortype': type } : {}), ...headers }, body: JSON.stringify({ message }), now: NOW });

test('status + x-amzn-ErrorType (with or without its namespace) + message → UpstreamError; retry per providers.md §13', () => {
  const table: [number, string, boolean][] = [
    [400, 'ValidationException', false],
    [400, 'ServiceQuotaExceededException', false],
    [403, 'AccessDeniedException', false],
    [404, 'ResourceNotFoundException', false],
    [408, 'ModelTimeoutException', true],
    [424, 'ModelErrorException', true],
    [429, 'ThrottlingException', true],
    [429, 'ModelNotReadyException', true],
    [500, 'InternalServerException', true],
    [503, 'ServiceUnavailableException', true],
  ];
  for (const [status, name, retryable] of table) {
    for (const header of [name, `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`]) {
      const e = err(status, header, `about ${name}`);
      assert.equal(e.upstreamStatus, status);
      assert.equal(e.upstreamCode, name);
      assert.equal(e.retryable, retryable, name);
      assert.equal(e.message, `about ${name}`);
    }
  }
});

test('a daily-quota throttle is not retryable; Retry-After is honoured when present; the name may come from the body', () => {
  assert.equal(err(429, 'ThrottlingException', 'Too many tokens per day, please wait before trying again.').retryable, false);
  assert.equal(err(429, 'ThrottlingException', 'Too many requests', { 'retry-after': '7' }).retryAfterSeconds, 7);
  const fromBody = mapBedrockError({ status: 403, headers: {}, body: '{"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"The security token included in the request is invalid."}', now: NOW });
  assert.equal(fromBody.upstreamCode, 'UnrecognizedClientException');
  assert.equal(fromBody.message, 'The security token included in the request is invalid.');
  const raw = mapBedrockError({ status: 502, headers: {}, body: '<html>bad gateway</html>', now: NOW });
  assert.equal(raw.retryable, true);
  assert.match(raw.message, /HTTP 502: <html>bad gateway/);
});
