import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@google/genai';
import { GatewayError, InvalidRequestError, RateLimitedError, StreamIncompleteError, UnsupportedParameterError, UpstreamError } from '../../core/errors.js';
import { geminiClientStatus, geminiErrorBody, geminiStreamErrorFrame } from './errors.js';
import { serve } from './test-sdk-server.js';
import { GEMINI_CLIENT_WIRE } from './wire.js';

interface Body {
  error: { code: number; message: string; status: string; details: Record<string, unknown>[] };
}

test('status and google.rpc status name by HTTP status; 529 is 503 UNAVAILABLE', () => {
  const cases: [GatewayError, number, string][] = [
    [new InvalidRequestError('bad', 'contents'), 400, 'INVALID_ARGUMENT'],
    [new GatewayError('invalid_api_key', 401, 'no'), 401, 'UNAUTHENTICATED'],
    [new GatewayError('model_not_allowed', 403, 'no'), 403, 'PERMISSION_DENIED'],
    [new GatewayError('model_not_found', 404, 'no'), 404, 'NOT_FOUND'],
    [new GatewayError('method_not_allowed', 405, 'no'), 405, 'FAILED_PRECONDITION'],
    [new GatewayError('request_too_large', 413, 'big'), 413, 'INVALID_ARGUMENT'],
    [new RateLimitedError({ limit: 'rpm', scope: 'key:k', limitValue: 5, current: 5, requested: 1 }), 429, 'RESOURCE_EXHAUSTED'],
    [new GatewayError('internal_error', 500, 'x'), 500, 'INTERNAL'],
    [new StreamIncompleteError('d', 'cut'), 502, 'UNAVAILABLE'],
    [new GatewayError('shutting_down', 503, 'x'), 503, 'UNAVAILABLE'],
    [new GatewayError('upstream_timeout', 504, 'x'), 504, 'DEADLINE_EXCEEDED'],
    [new UpstreamError({ status: 529, message: 'busy', retryable: true }), 503, 'UNAVAILABLE'],
    [new UpstreamError({ status: 598, message: 'odd', retryable: true }), 502, 'UNAVAILABLE'],
  ];
  for (const [err, status, name] of cases) {
    assert.equal(geminiClientStatus(err), status, err.code);
    const body = JSON.parse(geminiErrorBody(err, 'req_1')) as Body;
    assert.equal(body.error.code, status, err.code);
    assert.equal(body.error.status, name, err.code);
    assert.equal(body.error.message, err.message);
  }
});

test('our stable code and details travel in an ErrorInfo; a param adds BadRequest, a Retry-After adds RetryInfo', () => {
  const rl = new RateLimitedError({ limit: 'tpm', scope: 'key:k', limitValue: 100, current: 90, requested: 20, retryAfterSeconds: 27 });
  const body = JSON.parse(geminiErrorBody(rl, 'req_1')) as Body;
  assert.deepEqual(body.error.details, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'rate_limit_tpm',
      domain: 'tollgate',
      metadata: { request_id: 'req_1', scope: 'key:k', limit_type: 'tpm', limit: '100', current: '90', requested: '20' },
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '27s' },
  ]);
  const bad = JSON.parse(geminiErrorBody(new UnsupportedParameterError('cachedContent', 'this gateway'), 'req_2')) as Body;
  assert.equal(bad.error.details[0]?.['reason'], 'unsupported_parameter');
  assert.deepEqual(bad.error.details[0]?.['metadata'], { request_id: 'req_2', target: 'this gateway', param: 'cachedContent' });
  assert.deepEqual(bad.error.details[1], {
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    fieldViolations: [{ field: 'cachedContent', description: "Parameter 'cachedContent' is not supported by this gateway" }],
  });
  assert.equal(geminiStreamErrorFrame(rl, 'req_1'), `data: ${geminiErrorBody(rl, 'req_1')}\r\n\r\n`);
});

test('the SDK raises an error response as ApiError with our status, and our code in its message', async () => {
  const rl = new RateLimitedError({ limit: 'rpm', scope: 'key:k', limitValue: 5, current: 5, requested: 1 });
  const s = await serve(GEMINI_CLIENT_WIRE.errorStatus(rl), 'application/json', () => GEMINI_CLIENT_WIRE.errorBody(rl, 'req_1'));
  try {
    await assert.rejects(s.client.models.generateContent({ model: 'alias', contents: 'Hi' }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 429);
      const parsed = JSON.parse(e.message) as Body;
      assert.equal(parsed.error.status, 'RESOURCE_EXHAUSTED');
      assert.equal(parsed.error.details[0]?.['reason'], 'rate_limit_rpm');
      return true;
    });
  } finally {
    await s.close();
  }
});

test('the wire object plugs our encoders into the pipeline’s ClientWire shape', () => {
  const enc = GEMINI_CLIENT_WIRE.streamEncoder({ includeUsage: false, requestId: 'r', clientModel: 'alias' });
  const out = enc.push({ type: 'text-delta', choice: 0, text: 'x' }) + enc.push({ type: 'finish', choice: 0, reason: 'stop', providerReason: null }) + enc.end();
  assert.match(out, /"modelVersion":"alias"/);
  assert.equal(enc.closed, true);
  const res = GEMINI_CLIENT_WIRE.encodeResponse({ id: 'r1', model: 'gpt-x', created: 0, choices: [{ index: 0, text: 'x', toolCalls: [], finishReason: 'stop' }], usage: null }, 'alias');
  assert.equal((JSON.parse(res) as { modelVersion: string }).modelVersion, 'alias');
});
