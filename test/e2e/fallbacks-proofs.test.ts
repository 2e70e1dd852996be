// Issue 4's proofs with the simulator, by FAILURE-MODES id:
// R1 — a chain A → B → C that fails ends in ONE error listing every call with its upstream status and
//      codes, 429 when all were rate limited, 502/503 otherwise; unrelated groups are untouched; every
//      call is in the log line and the ledger row.
// R2 — Retry-After as seconds, as an HTTP date and as retry-after-ms: waited out before a retry, and
//      taken as the breaker's cooldown (which only a longer hint lengthens).
// R3/R4 — an image survives OpenAI → Anthropic and OpenAI → Gemini fallbacks byte for byte, tool
//      definitions arrive exactly as defined, and no body reaching a fallback holds anything the
//      client did not send.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foreignStrings, WIRE_VOCABULARY } from '../helpers/foreign-strings.js';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-proofs-')), 'spool.jsonl')} }
providers:
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
  claude: { type: anthropic, base_url: ${mockUrl}/v1, api_key: sk-ant-simulated, breaker: { failures: 1000 } }
  gem: { type: gemini, base_url: ${mockUrl}/v1beta, api_key: gm-key-sim, breaker: { failures: 1000 } }
  hinted: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1, cooldown: 1s } }
models:
  chain-a: { deployments: [ { provider: sim, model: model-a } ], fallbacks: [chain-b] }
  chain-b: { deployments: [ { provider: sim, model: model-b } ], fallbacks: [chain-c] }
  chain-c: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
  unrelated: { deployments: [ { provider: sim, model: model-u } ] }
  img-to-claude: { deployments: [ { provider: sim, model: img-a } ], fallbacks: [claude-haiku] }
  claude-haiku: { deployments: [ { provider: claude, model: claude-haiku-4-5 } ] }
  img-to-gemini: { deployments: [ { provider: sim, model: img-b } ], fallbacks: [gemini] }
  gemini: { deployments: [ { provider: gem, model: gemini-2.5-flash } ] }
  retried: { deployments: [ { provider: sim, model: model-r } ] }
  hint-seconds: { deployments: [ { provider: hinted, model: hint-s } ] }
  hint-date: { deployments: [ { provider: hinted, model: hint-d } ] }
  hint-ms: { deployments: [ { provider: hinted, model: hint-ms } ] }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'DELETE' });
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
});

const fault = (model: string, faults: Record<string, unknown>, times?: number) =>
  fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model }, faults, ...(times ? { times } : {}) }) });
const SYSTEM = 'Answer in French.';
const IMAGE_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const IMAGE = `data:image/png;base64,${IMAGE_B64}`;
const clientBody = (model: string) => ({
  model,
  max_tokens: 20,
  messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: IMAGE } }] }],
});
const post = (body: unknown) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });

async function recorded(): Promise<Array<{ path: string; body: string }>> {
  return (await (await fetch(`${h.mockUrl}/_mock/requests?limit=20`)).json()) as Array<{ path: string; body: string }>;
}
type Attempt = { deployment: string; status: number; code: string; upstream_code: string | null; message: string; latency_ms?: number };
type ErrorBody = { error: { code: string; message: string; attempts: Attempt[]; skipped: unknown[] } };

type LedgerRow = { request_id: string; status: number; error_code: string | null; attempts: number; attempt_details: Array<{ deployment: string; status: number | null; error_code: string | null; latency_ms: number }> };
async function rowOf(r: Response): Promise<LedgerRow> {
  const id = r.headers.get('x-tollgate-request-id');
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${h.gateway.url}/admin/logs?limit=50`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const row = ((await res.json()) as { data: LedgerRow[] }).data.find((x) => x.request_id === id);
    if (row) return row;
    await new Promise((done) => setTimeout(done, 20));
  }
  assert.fail(`no ledger row for ${id}`);
}
async function breaker(id: string): Promise<{ state: string; open_until: string | null; consecutive_failures: number }> {
  const r = await fetch(`${h.gateway.url}/admin/deployments`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return ((await r.json()) as { deployments: Array<{ id: string; breaker: { state: string; open_until: string | null; consecutive_failures: number } }> }).deployments.find((d) => d.id === id)!.breaker;
}

test('R1: a chain A → B → C that fails with errors is one 502 listing every call with its upstream status and codes', async () => {
  await fault('model-a', { status: 500 });
  await fault('model-b', { status: 502 });
  await fault('claude-sonnet-4-5', { status: 500 });
  const r = await post(clientBody('chain-a'));
  assert.equal(r.status, 502);
  const e = ((await r.json()) as ErrorBody).error;
  assert.equal(e.code, 'all_attempts_failed');
  // Each target once in plan order; the last one, with nothing after it, retried twice.
  assert.deepEqual(e.attempts.map((a) => [a.deployment, a.status, a.code, a.upstream_code]), [
    ['sim/model-a', 500, 'upstream_error', null],
    ['sim/model-b', 502, 'upstream_error', null],
    ['claude/claude-sonnet-4-5', 500, 'upstream_error', 'api_error'],
    ['claude/claude-sonnet-4-5', 500, 'upstream_error', 'api_error'],
    ['claude/claude-sonnet-4-5', 500, 'upstream_error', 'api_error'],
  ]);
  assert.ok(e.attempts.every((a) => typeof a.latency_ms === 'number' && a.message.length > 0));
  assert.doesNotMatch(e.message, /no fallback/i);
});

test('R1: a chain whose every call was rate limited is a 429 with the smallest Retry-After; a hint over 60 s is not waited out', async () => {
  await fault('model-a', { status: 429, retry_after: '120' });
  await fault('model-b', { status: 429, retry_after: '90' });
  await fault('claude-sonnet-4-5', { status: 429, retry_after: '100' });
  const r = await post(clientBody('chain-a'));
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '90');
  const e = ((await r.json()) as ErrorBody).error;
  assert.deepEqual(e.attempts.map((a) => [a.deployment, a.status]), [['sim/model-a', 429], ['sim/model-b', 429], ['claude/claude-sonnet-4-5', 429]]);
  assert.deepEqual(e.attempts.map((a) => a.upstream_code), ['rate_limit_exceeded', 'rate_limit_exceeded', 'rate_limit_error']);
});

test('R1: overloaded or unreachable anywhere in the chain makes it a 503; an unrelated group is untouched', async () => {
  await fault('model-a', { status: 429 });
  await fault('model-b', { status: 503 });
  await fault('claude-sonnet-4-5', { status: 529 });
  const r = await post(clientBody('chain-a'));
  assert.equal(r.status, 503);
  assert.equal(((await r.json()) as ErrorBody).error.code, 'all_attempts_failed');
  // Nothing of that chain leaks into another group: served at once, its breaker clean.
  const u = await post({ model: 'unrelated', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(u.status, 200);
  assert.equal(u.headers.get('x-tollgate-attempts'), '1');
  assert.deepEqual(await breaker('sim/model-u'), { state: 'closed', open_until: null, consecutive_failures: 0 });
});

test('R1: every call of a fallback chain is in the ledger row and the log line, and the receipt counts them', async () => {
  await fault('model-a', { status: 503 });
  await fault('model-b', { status: 500 });
  const r = await post(clientBody('chain-a'));
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-attempts'), '3');
  const expected = [['sim/model-a', 503, 'upstream_error'], ['sim/model-b', 500, 'upstream_error'], ['claude/claude-sonnet-4-5', 200, null]];
  const row = await rowOf(r);
  assert.equal(row.attempts, 3);
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.status, a.error_code]), expected);
  assert.ok(row.attempt_details.every((a) => Number.isInteger(a.latency_ms)));
  const line = h.logs.find((l) => l['request_id'] === r.headers.get('x-tollgate-request-id') && l['attempt_log'] !== undefined);
  assert.deepEqual((line?.['attempt_log'] as Array<{ deployment: string; status: number; code: string | null }>).map((a) => [a.deployment, a.status, a.code]), expected);
});

test('R2: Retry-After in seconds and retry-after-ms are waited out before the same target is retried', async () => {
  for (const [hint, minMs] of [[{ retry_after: '1' }, 1_000], [{ retry_after_ms: 400 }, 400]] as const) {
    await fault('model-r', { status: 429, ...hint }, 1);
    const t0 = Date.now();
    const r = await post({ model: 'retried', messages: [{ role: 'user', content: 'hi' }] });
    // A lower bound (the hint was honoured), not a speed claim.
    const waited = Date.now() - t0;
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get('x-tollgate-attempts'), '2');
    assert.ok(waited >= minMs, `retried after ${waited} ms, before the ${minMs} ms hint`);
  }
});

test('R2: Retry-After as seconds, HTTP date or retry-after-ms becomes the breaker’s cooldown', async () => {
  const now = Date.now();
  const date = new Date(Math.ceil((now + 90_000) / 1000) * 1000).toUTCString();
  await fault('hint-s', { status: 429, retry_after: '120' });
  await fault('hint-d', { status: 429, retry_after: date });
  await fault('hint-ms', { status: 429, retry_after_ms: 75_000 });
  // Hints over 60 s: not waited out (nothing else in the plan), the request ends at once with a 429.
  for (const model of ['hint-seconds', 'hint-date', 'hint-ms']) assert.equal((await post({ model, messages: [{ role: 'user', content: 'hi' }] })).status, 429);
  const until = async (id: string) => Date.parse((await breaker(id)).open_until!);
  const near = (got: number, want: number) => assert.ok(Math.abs(got - want) < 3_000, `cooldown ends ${new Date(got).toISOString()}, expected about ${new Date(want).toISOString()}`);
  near(await until('hinted/hint-s'), now + 120_000);
  near(await until('hinted/hint-d'), Date.parse(date));
  near(await until('hinted/hint-ms'), now + 75_000);
  // The configured cooldown is 1 s: each hint lengthened it, and none was cut short.
  assert.equal((await breaker('hinted/hint-s')).state, 'open');
});

/** The base64 image data each recorded body carries, by wire. */
function imageData(path: string, body: string): string | undefined {
  const b = JSON.parse(body) as Record<string, unknown>;
  if (path === '/v1/chat/completions') {
    const url = ((b['messages'] as Array<{ content: unknown }>)[1]!.content as Array<{ type: string; image_url?: { url: string } }>).find((p) => p.type === 'image_url')?.image_url?.url;
    return url?.split(',')[1];
  }
  if (path === '/v1/messages') {
    return ((b['messages'] as Array<{ content: Array<{ type: string; source?: { data: string } }> }>)[0]!.content.find((p) => p.type === 'image')?.source?.data);
  }
  return ((b['contents'] as Array<{ parts: Array<{ inlineData?: { data: string } }> }>)[0]!.parts.find((p) => p.inlineData)?.inlineData?.data);
}

for (const [group, wire, fallbackPath] of [
  ['img-to-claude', 'Anthropic', '/v1/messages'],
  ['img-to-gemini', 'Gemini', '/v1beta/models/gemini-2.5-flash:generateContent'],
] as const) {
  test(`R4: an image survives an OpenAI → ${wire} fallback byte for byte; the fallback gets nothing the client did not send`, async () => {
    await fault(group === 'img-to-claude' ? 'img-a' : 'img-b', { status: 503 });
    const sent = clientBody(group);
    const r = await post(sent);
    assert.equal(r.status, 200, await r.clone().text());
    const calls = await recorded();
    assert.deepEqual(calls.map((c) => c.path), ['/v1/chat/completions', fallbackPath]);
    assert.deepEqual(calls.map((c) => imageData(c.path, c.body)), [IMAGE_B64, IMAGE_B64], 'the same bytes reached every attempt');
    // The same-wire attempt is the client's body but for the model; the fallback holds only the client's strings.
    assert.deepEqual({ ...(JSON.parse(calls[0]!.body) as object), model: group }, sent);
    const fallback = JSON.parse(calls[1]!.body) as unknown;
    assert.deepEqual(foreignStrings(fallback, sent, [...WIRE_VOCABULARY, 'claude-haiku-4-5', 'gemini-2.5-flash']), []);
    assert.ok(JSON.stringify(fallback).includes(JSON.stringify(SYSTEM)), 'the system prompt as sent');
    assert.equal(JSON.stringify(fallback).split(JSON.stringify(SYSTEM)).length, 2, 'exactly once — none added');
  });
}

test('R4: tools reach Anthropic and Gemini fallbacks exactly as the client defined them', async () => {
  const tool = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'], additionalProperties: false } };
  for (const [group, first] of [['img-to-claude', 'img-a'], ['img-to-gemini', 'img-b']] as const) {
    await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
    await fault(first, { status: 503 });
    const r = await post({ model: group, max_tokens: 20, tools: [{ type: 'function', function: tool }], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    assert.equal(r.status, 200, await r.clone().text());
    const calls = await recorded();
    assert.equal(calls.length, 2);
    const sent = JSON.parse(calls[0]!.body) as { tools: unknown };
    assert.deepEqual(sent.tools, [{ type: 'function', function: tool }], 'the same-wire attempt: as sent');
    const fb = JSON.parse(calls[1]!.body) as { tools: Array<Record<string, unknown>> };
    if (group === 'img-to-claude') assert.deepEqual(fb.tools, [{ name: tool.name, description: tool.description, input_schema: tool.parameters }]);
    else assert.deepEqual(fb.tools, [{ functionDeclarations: [{ name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters }] }]);
  }
});
