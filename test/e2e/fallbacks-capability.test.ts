// R4/R7 in a fallback plan: a target that cannot serve the request — a parameter its wire cannot
// honour, an image for a text-only model — is skipped with the reason, never called to fail; the
// next target serves. Only when no target can serve is the answer a 400 naming each and why.
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
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-fbc-')), 'spool.jsonl')} }
providers:
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
  claude: { type: anthropic, base_url: ${mockUrl}/v1, api_key: sk-ant-simulated, breaker: { failures: 1000 } }
models:
  claude-first: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ], fallbacks: [open] }
  open: { deployments: [ { provider: sim, model: model-open } ] }
  claude-only: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
  claude-twice: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ], fallbacks: [claude-haiku] }
  claude-haiku: { deployments: [ { provider: claude, model: claude-haiku-4-5 } ] }
  text-first:
    deployments: [ { provider: sim, model: model-text, capabilities: { images: false } } ]
    fallbacks: [vision]
  vision: { deployments: [ { provider: sim, model: model-vision } ] }
  text-only: { deployments: [ { provider: sim, model: model-text-2, capabilities: { images: false } } ] }
  failing-first: { deployments: [ { provider: sim, model: model-down } ], fallbacks: [claude-only] }
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

const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';
const post = (body: Record<string, unknown>) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ max_tokens: 20, ...body }) });
const withLogprobs = (model: string) => post({ model, logprobs: true, messages: [{ role: 'user', content: 'hi' }] });
const withImage = (model: string) => post({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: IMAGE } }] }] });

async function received(): Promise<Array<{ path: string; body: string }>> {
  return (await (await fetch(`${h.mockUrl}/_mock/requests?limit=50`)).json()) as Array<{ path: string; body: string }>;
}

type ErrorBody = { error: { code: string; param: string | null; message: string; skipped?: Array<{ deployment: string; kind: string; reason: string }>; attempts?: Array<{ deployment: string; status: number }> } };

test('R7: a fallback target that refuses a parameter is skipped, not called; the next one serves', async () => {
  const r = await withLogprobs('claude-first');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-open');
  assert.equal(r.headers.get('x-tollgate-attempts'), '1', 'the refusing target was never called');
  const calls = await received();
  assert.deepEqual(calls.map((c) => c.path), ['/v1/chat/completions'], 'nothing reached the Anthropic deployment');
  assert.equal((JSON.parse(calls[0]!.body) as { logprobs: boolean }).logprobs, true, 'the parameter reached the target that honours it');
});

test('R7: the only target refuses: 400 unsupported_parameter naming the parameter and the target', async () => {
  const r = await withLogprobs('claude-only');
  assert.equal(r.status, 400);
  const e = ((await r.json()) as ErrorBody).error;
  assert.equal(e.code, 'unsupported_parameter');
  assert.equal(e.param, 'logprobs');
  assert.match(e.message, /anthropic\/claude-sonnet-4-5/);
  assert.equal((await received()).length, 0);
});

test('R7: no target can serve: one 400 listing every skipped target and why', async () => {
  const r = await withLogprobs('claude-twice');
  assert.equal(r.status, 400);
  const e = ((await r.json()) as ErrorBody).error;
  assert.equal(e.code, 'unsupported_parameter');
  assert.deepEqual(e.skipped?.map((s) => [s.deployment, s.kind]), [['claude/claude-sonnet-4-5', 'incapable'], ['claude/claude-haiku-4-5', 'incapable']]);
  assert.ok(e.skipped!.every((s) => /logprobs/.test(s.reason)), JSON.stringify(e.skipped));
  assert.doesNotMatch(e.message, /no fallback/i);
  assert.equal((await received()).length, 0);
});

test('R4: an image skips a text-only deployment at planning; the vision fallback gets the image', async () => {
  const r = await withImage('text-first');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-vision');
  assert.equal(r.headers.get('x-tollgate-attempts'), '1');
  const calls = await received();
  assert.equal(calls.length, 1, 'the text-only model was never called');
  assert.ok(calls[0]!.body.includes(IMAGE), 'the image reached the fallback as sent');
});

test('R4: an image for a group of text-only models is a 400 that says why', async () => {
  const r = await withImage('text-only');
  assert.equal(r.status, 400);
  const e = ((await r.json()) as ErrorBody).error;
  assert.equal(e.code, 'unsupported_parameter');
  assert.match(e.message, /sim\/model-text-2 takes no image input/);
  assert.equal((await received()).length, 0);
});

test('R1: a failed call and a refused fallback: all_attempts_failed lists the call and the skip', async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'model-down' }, faults: { status: 503 } }) });
  const r = await withLogprobs('failing-first');
  assert.equal(r.status, 503);
  const e = ((await r.json()) as ErrorBody).error;
  assert.equal(e.code, 'all_attempts_failed');
  assert.deepEqual(e.attempts?.map((a) => [a.deployment, a.status]), [['sim/model-down', 503]]);
  assert.deepEqual(e.skipped?.map((s) => [s.deployment, s.kind]), [['claude/claude-sonnet-4-5', 'incapable']]);
});
