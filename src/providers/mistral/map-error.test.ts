import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapMistralError } from './map-error.js';
import { NOW } from './test-fixtures.js';

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  return mapMistralError({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), now: NOW });
}

test('{"object":"error",message,type,param,code}: message, type and code carried; a 400 is not retried', () => {
  const e = map(400, { object: 'error', message: 'Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length of 9.', type: 'invalid_function_call', param: null, code: '3280' });
  assert.match(e.message, /Tool call id was call_1/);
  assert.equal(e.upstreamCode, '3280');
  assert.equal(e.type, 'invalid_function_call');
  assert.equal(e.retryable, false);
});

test('a 422 validation body reads as the first detail, with its location', () => {
  const body = { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'stream_options'], msg: 'Extra inputs are not permitted', input: {} }] }, type: 'invalid_request_error', param: null, code: null };
  const e = map(422, body);
  assert.equal(e.message, 'body.stream_options: Extra inputs are not permitted');
  assert.equal(e.retryable, false);
});

test('429 and 5xx are retried, with Retry-After; quota exhaustion is not', () => {
  const limited = map(429, { object: 'error', message: 'Requests rate limit exceeded', type: 'rate_limited', param: null, code: '1300' }, { 'retry-after': '4' });
  assert.equal(limited.retryable, true);
  assert.equal(limited.retryAfterSeconds, 4);
  assert.equal(map(503, { message: 'Service unavailable' }).retryable, true);
  assert.equal(map(429, { object: 'error', message: 'Monthly quota exceeded', type: 'rate_limited' }).retryable, false);
});

test('the edge\'s {"message":"Unauthorized"} and non-JSON bodies', () => {
  assert.equal(map(401, { message: 'Unauthorized', request_id: 'r' }).message, 'Unauthorized');
  assert.equal(map(502, '<html>').message, 'Mistral returned HTTP 502: <html>');
});
