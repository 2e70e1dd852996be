// M1: no ingress path skips the budget check. Every inference route — OpenAI chat (and its odd
// spellings), Responses, Anthropic Messages, Gemini generateContent and streamGenerateContent,
// Azure-style deployments, embeddings — is admitted against the key's budget and rate limits and
// billed to it, exactly as the simulator billed.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { governedConfig } from '../helpers/governed-config.js';

const BROKE = 'sk-broke-key-0123456789abc';
const METERED = 'sk-metered-key-0123456789a';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-routes-')), 'spool.jsonl'),
        pricing: '  sim-embed-1: { input: 10, output: 0 }',
        models: `  embed:
    kind: embeddings
    deployments: [ { provider: sim, model: sim-embed-1 } ]`,
        // A budget smaller than any request's worst case, and one that fits but counts requests.
        keys: `  - { name: broke, key: ${BROKE}, budget: { usd: 0.000001, period: none } }
  - { name: metered, key: ${METERED}, budget: { usd: 10, period: none }, limits: { rpm: 10 } }`,
      }),
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
});

const chat = { model: 'chat', max_tokens: 12, messages: [{ role: 'user', content: 'Count the routes' }] };
const gemini = { contents: [{ role: 'user', parts: [{ text: 'Count the routes' }] }], generationConfig: { maxOutputTokens: 12 } };

/** Every inference route, each with the key where that surface's clients put it. */
const ROUTES: ReadonlyArray<{ name: string; send: (key: string) => Promise<Response> }> = [
  { name: '/v1/chat/completions', send: (k) => call('/v1/chat/completions', { authorization: `Bearer ${k}` }, chat) },
  { name: '/chat/completions', send: (k) => call('/chat/completions', { authorization: `Bearer ${k}` }, chat) },
  { name: '/v1//chat/completions/', send: (k) => call('/v1//chat/completions/', { authorization: `Bearer ${k}` }, { ...chat, stream: true }) },
  { name: '/v1/responses', send: (k) => call('/v1/responses', { authorization: `Bearer ${k}` }, { model: 'chat', input: 'Count the routes', max_output_tokens: 12 }) },
  { name: '/v1/messages', send: (k) => call('/v1/messages', { 'x-api-key': k, 'anthropic-version': '2023-06-01' }, chat) },
  { name: ':generateContent', send: (k) => call(`/v1beta/models/chat:generateContent?key=${k}`, {}, gemini) },
  { name: ':streamGenerateContent', send: (k) => call('/v1beta/models/chat:streamGenerateContent?alt=sse', { 'x-goog-api-key': k }, gemini) },
  { name: '/openai/deployments/{name}/chat/completions', send: (k) => call('/openai/deployments/chat/chat/completions?api-version=2024-10-21', { 'api-key': k }, { messages: chat.messages, max_tokens: 12 }) },
  { name: '/v1/embeddings', send: (k) => call('/v1/embeddings', { authorization: `Bearer ${k}` }, { model: 'embed', input: 'Count the routes' }) },
  { name: '/openai/deployments/{name}/embeddings', send: (k) => call('/openai/deployments/embed/embeddings?api-version=2024-10-21', { 'api-key': k }, { input: 'Count the routes' }) },
];

function call(path: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;
interface ModelBill {
  prompt_tokens: number;
  completion_tokens: number;
}
const stats = async () => (await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { received: number; by_model: Record<string, ModelBill> };

test('M1: every inference route refuses a key whose budget cannot cover the request, before the provider sees it', async () => {
  for (const route of ROUTES) {
    const r = await route.send(BROKE);
    const body = await r.text();
    assert.equal(r.status, 429, `${route.name}: ${body}`);
    assert.match(body, /budget_exceeded|key 'broke'/, `${route.name} says why, in its own wire`);
  }
  assert.equal((await stats()).received, 0, 'no route reached the provider');
  const s = await admin('/admin/spend?scope=key:cfg:broke');
  assert.deepEqual([s['spend_nanos'], s['requests']], ['0', 0]);
});

test('M1: every inference route counts against the key — spend equals the bill, and the rate limit spans them all', async () => {
  for (const route of ROUTES) {
    const r = await route.send(METERED);
    const body = await r.text();
    assert.equal(r.status, 200, `${route.name}: ${body}`);
    assert.match(r.headers.get('x-tollgate-enforcement') ?? '', /budget=exact; rpm=exact/, route.name);
  }
  // One more, on any route: the eleventh request in the minute.
  const over = await ROUTES[0]!.send(METERED);
  assert.equal(over.status, 429);
  assert.equal(((await over.json()) as { error: { code: string } }).error.code, 'rate_limit_rpm');

  const by = (await stats()).by_model;
  const chatBill = by['sim-model-1']!;
  const embedBill = by['sim-embed-1']!;
  // $100 / $200 per 1M for chat, $10 per 1M for embeddings.
  const billed = BigInt(chatBill.prompt_tokens) * 100_000n + BigInt(chatBill.completion_tokens) * 200_000n + BigInt(embedBill.prompt_tokens) * 10_000n;
  const s = await admin('/admin/spend?scope=key:cfg:metered');
  assert.equal(BigInt(s['spend_nanos'] as string), billed, 'gateway spend equals the bill across every route');
  assert.equal(s['requests'], ROUTES.length);
  const rows = ((await admin('/admin/logs?key=cfg:metered&limit=100')) as unknown as { data: Array<{ surface: string; status: number }> }).data;
  assert.equal(rows.filter((x) => x.status === 200).length, ROUTES.length, 'every route wrote its ledger row');
});
