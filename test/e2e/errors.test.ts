// Bad input gets a precise error with a stable code — never a 500 — and upstream errors keep their
// status and message in the client's error shape.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

interface ErrorBody {
  error: { code: string; type: string; message: string; param: string | null; request_id: string; [k: string]: unknown };
}

async function post(path: string, body: string, headers: Record<string, string> = authHeaders()): Promise<{ status: number; body: ErrorBody; headers: Headers }> {
  const res = await fetch(`${h.gateway.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as ErrorBody, headers: res.headers };
}

const chat = (o: Record<string, unknown>) => JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], ...o });

test('malformed JSON is 400 invalid_json', async () => {
  const r = await post('/v1/chat/completions', '{"model": "chat", ');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_json');
  assert.equal(r.body.error.request_id, r.headers.get('x-tollgate-request-id'));
});

test('an empty body is 400 invalid_json', async () => {
  const r = await post('/v1/chat/completions', '');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_json');
});

test('wrong types name the parameter', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ temperature: 'hot' }, 'temperature'],
    [{ temperature: 3 }, 'temperature'],
    [{ stream: 'yes' }, 'stream'],
    [{ messages: 'hello' }, 'messages'],
    [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    [{ tools: [{ type: 'function', function: { name: 'bad name!' } }] }, 'tools[0].function.name'],
    [{ tool_choice: 'sometimes' }, 'tool_choice'],
    [{ response_format: { type: 'yaml' } }, 'response_format.type'],
    [{ max_tokens: -1 }, 'max_tokens'],
    [{ n: 1.5 }, 'n'],
  ];
  for (const [over, param] of cases) {
    const r = await post('/v1/chat/completions', chat(over));
    assert.equal(r.status, 400, JSON.stringify(over));
    assert.equal(r.body.error.param, param, JSON.stringify(r.body));
    assert.equal(r.body.error.type, 'invalid_request_error');
  }
});

test('missing fields are 400 missing_parameter', async () => {
  for (const [body, param] of [[{ messages: [] as unknown[] }, 'model'], [{ model: 'chat' }, 'messages']] as const) {
    const r = await post('/v1/chat/completions', JSON.stringify(body));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.param, param);
  }
  const e = await post('/v1/embeddings', JSON.stringify({ model: 'embed' }));
  assert.equal(e.body.error.code, 'missing_parameter');
  assert.equal(e.body.error.param, 'input');
});

test('an unknown model is 404 model_not_found through the SDK', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.NotFoundError);
    assert.equal(err.code, 'model_not_found');
    return true;
  });
});

test('a chat model on the embeddings route is refused by kind', async () => {
  const r = await post('/v1/embeddings', JSON.stringify({ model: 'chat', input: 'x' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'wrong_model_kind');
});

test('a body over the limit is 413 request_too_large', async () => {
  const r = await post('/v1/chat/completions', chat({ messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }));
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'request_too_large');
});

test('a missing or invalid key is 401 invalid_api_key, and the key is never echoed', async () => {
  const none = await post('/v1/chat/completions', chat({}), { 'content-type': 'application/json' });
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, 'invalid_api_key');
  const bad = await post('/v1/chat/completions', chat({}), authHeaders('sk-wrong-ECHO-MARKER-123456'));
  assert.equal(bad.status, 401);
  assert.ok(!JSON.stringify(bad.body).includes('ECHO-MARKER'));
  await assert.rejects(new OpenAI({ apiKey: 'sk-nope-nope-nope-nope', baseURL: `${h.gateway.url}/v1`, maxRetries: 0 }).models.list(), OpenAI.AuthenticationError);
});

test('M7: an expired key is refused without echoing it', async () => {
  const r = await post('/v1/chat/completions', chat({}), authHeaders('sk-expired-0123456789abcdef'));
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'key_expired');
  assert.ok(!JSON.stringify(r.body).includes('sk-expired'));
});

test('a key limited to some models cannot call others', async () => {
  const r = await post('/v1/chat/completions', chat({ model: 'azure-chat' }), authHeaders('sk-chat-only-0123456789abcdef'));
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'model_not_allowed');
});

test('M1: unknown paths are 404 and odd spellings of real paths reach the same pipeline', async () => {
  const r = await post('/v1/chat/completion', chat({}));
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'route_not_found');
  const unauth = await post('/v1//chat/completions/', chat({}), { 'content-type': 'application/json' });
  assert.equal(unauth.status, 401, 'a variant path still requires a key');
  const ok = await fetch(`${h.gateway.url}/v1//chat/completions/`, { method: 'POST', headers: authHeaders(), body: chat({}) });
  assert.equal(ok.status, 200);
  const get = await fetch(`${h.gateway.url}/v1/chat/completions`, { headers: authHeaders() });
  assert.equal(get.status, 405);
});

interface Attempt {
  deployment: string;
  status: number;
  code: string;
  upstream_code: string | null;
  message: string;
}

test('R1: an upstream 429 is retried with its Retry-After, then one error lists every attempt', async () => {
  const r = await post('/v1/chat/completions', chat({}), { ...authHeaders(), 'x-mock-status': '429', 'x-mock-retry-after': '1' });
  assert.equal(r.status, 429, 'every attempt was rate limited');
  assert.equal(r.body.error.code, 'all_attempts_failed');
  const attempts = r.body.error['attempts'] as Attempt[];
  assert.equal(attempts.length, 3, 'the first call and two retries of the only deployment');
  for (const a of attempts) {
    assert.equal(a.deployment, 'sim/sim-model-1');
    assert.equal(a.status, 429);
    assert.equal(a.upstream_code, 'rate_limit_exceeded');
    assert.ok(a.message.length > 0, 'the provider message is kept');
  }
  assert.equal(r.headers.get('retry-after'), '1');
  assert.equal(r.headers.get('x-tollgate-attempts'), '3');
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/sim-model-1');
});

test('upstream 5xx ends, after retries, in the OpenAI error shape with every attempt', async (t) => {
  const r = await post('/v1/chat/completions', chat({}), { ...authHeaders(), 'x-mock-status': '503' });
  assert.equal(r.status, 503);
  assert.equal(r.body.error.code, 'all_attempts_failed');
  assert.ok((r.body.error['attempts'] as Attempt[]).every((a) => a.status === 503));
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  assert.deepEqual(validateAgainst('ErrorResponse', r.body), []);
});

test('a non-retryable upstream error is passed through at once', async () => {
  const r = await post('/v1/chat/completions', chat({}), { ...authHeaders(), 'x-mock-status': '400' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'upstream_error');
  assert.equal(r.body.error['upstream_status'], 400);
});

test('an unreachable upstream is a 503 listing upstream_unreachable, not a crash', async () => {
  h.writeConfig((await import('node:fs')).readFileSync(h.configPath, 'utf8').replace(/base_url: http:\/\/127\.0\.0\.1:\d+\/v1/, 'base_url: http://127.0.0.1:9/v1'));
  const reload = await fetch(`${h.gateway.url}/admin/config/reload`, { method: 'POST', headers: { authorization: 'Bearer admin-key-0123456789abcdef' } });
  assert.equal(reload.status, 200);
  try {
    const r = await post('/v1/chat/completions', chat({}));
    assert.equal(r.status, 503);
    assert.equal(r.body.error.code, 'all_attempts_failed');
    assert.equal((r.body.error['attempts'] as Attempt[])[0]!.code, 'upstream_unreachable');
  } finally {
    h.writeConfig((await import('node:fs')).readFileSync(h.configPath, 'utf8').replace('http://127.0.0.1:9/v1', `${h.mockUrl}/v1`));
    await fetch(`${h.gateway.url}/admin/config/reload`, { method: 'POST', headers: { authorization: 'Bearer admin-key-0123456789abcdef' } });
  }
});
