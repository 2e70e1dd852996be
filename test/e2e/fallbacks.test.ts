// R1–R4: one attempt plan per request; fallbacks cross providers; images and system prompts reach
// every fallback exactly as sent; when all fail, one error lists every attempt; breakers skip a
// failing deployment, and say so.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-fb-')), 'spool.jsonl')} }
providers:
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
  flaky: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 2, cooldown: 60s } }
  claude: { type: anthropic, base_url: ${mockUrl}/v1, api_key: sk-ant-simulated }
models:
  primary: { deployments: [ { provider: sim, model: model-a } ], fallbacks: [secondary] }
  secondary: { deployments: [ { provider: sim, model: model-b } ], fallbacks: [tertiary] }
  tertiary: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
  guarded: { deployments: [ { provider: flaky, model: model-f } ], fallbacks: [secondary] }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'DELETE' });
});

const fail = (model: string, status: number) =>
  fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model }, faults: { status } }) });

const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';
const body = (model = 'primary') =>
  JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: IMAGE } }] }] });
const post = (model?: string) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: body(model) });

async function upstreamBodies(n: number): Promise<Array<{ path: string; body: string }>> {
  return (await (await fetch(`${h.mockUrl}/_mock/requests?limit=${n}`)).json()) as Array<{ path: string; body: string }>;
}

test('R1: a failing group falls back to the next one', async () => {
  await fail('model-a', 503);
  const r = await post();
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-b');
  assert.equal(r.headers.get('x-tollgate-attempts'), '2');
});

test('R3/R4: images and the system prompt reach every fallback as the client sent them, across providers', async () => {
  await fail('model-a', 503);
  await fail('model-b', 500);
  const r = await post();
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'claude/claude-sonnet-4-5');
  const [a, b, c] = await upstreamBodies(3);
  for (const openAiAttempt of [a!, b!]) {
    const sent = JSON.parse(openAiAttempt.body) as { messages: unknown };
    assert.deepEqual(sent.messages, JSON.parse(body()).messages, 'the OpenAI attempts carry the messages untouched');
  }
  const anthropic = JSON.parse(c!.body) as { system: Array<{ text: string }>; messages: Array<{ content: Array<{ type: string; source?: { data: string } }> }> };
  assert.equal(c!.path, '/v1/messages');
  assert.equal(anthropic.system.map((s) => s.text).join(''), 'Answer in French.', 'no system prompt added or changed');
  const img = anthropic.messages[0]!.content.find((x) => x.type === 'image');
  assert.equal(img?.source?.data, IMAGE.split(',')[1], 'the image survived two failed attempts byte for byte');
});

test('R1: when every attempt fails, one error lists them all', async () => {
  await fail('model-a', 503);
  await fail('model-b', 500);
  await fail('claude-sonnet-4-5', 529);
  const r = await post();
  assert.equal(r.status, 503);
  const e = ((await r.json()) as { error: { code: string; message: string; attempts: Array<{ deployment: string; status: number }> } }).error;
  assert.equal(e.code, 'all_attempts_failed');
  // Each target once, in plan order; the last one is retried (with backoff) before giving up.
  assert.deepEqual(e.attempts.map((a) => [a.deployment, a.status]), [['sim/model-a', 503], ['sim/model-b', 500], ['claude/claude-sonnet-4-5', 529], ['claude/claude-sonnet-4-5', 529], ['claude/claude-sonnet-4-5', 529]]);
  assert.doesNotMatch(e.message, /no fallback/i);
});

test('R1: when every attempt was rate limited, the status is 429', async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ faults: { status: 429, retry_after: '1' } }) });
  const r = await post('tertiary');
  assert.equal(r.status, 429);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'all_attempts_failed');
  assert.equal(r.headers.get('retry-after'), '1');
});

test('R2: a breaker opens after consecutive failures; the open deployment is skipped and the skip is recorded', async () => {
  await fail('model-f', 503);
  for (let i = 0; i < 2; i++) assert.equal((await post('guarded')).status, 200, 'served by the fallback');
  const before = (await upstreamBodies(200)).filter((x) => x.body.includes('"model-f"')).length;
  const r = await post('guarded');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-attempts'), '1', 'the open deployment was not called');
  const afterCount = (await upstreamBodies(200)).filter((x) => x.body.includes('"model-f"')).length;
  assert.equal(afterCount, before, 'no request reached the open deployment');
  const view = (await (await fetch(`${h.gateway.url}/admin/deployments`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { deployments: Array<{ id: string; breaker: { state: string; open_until: string } }> };
  const flaky = view.deployments.find((d) => d.id === 'flaky/model-f')!;
  assert.equal(flaky.breaker.state, 'open', '/admin/deployments shows the open breaker');
  assert.ok(Date.parse(flaky.breaker.open_until) > Date.now());
  // With every target failing, the aggregated error names the skip and its reason.
  await fail('model-b', 503);
  await fail('claude-sonnet-4-5', 503);
  const all = (await (await post('guarded')).json()) as { error: { skipped: Array<{ deployment: string; kind: string }> } };
  assert.ok(all.error.skipped.some((s) => s.deployment === 'flaky/model-f' && s.kind === 'breaker_open'), JSON.stringify(all));
});
