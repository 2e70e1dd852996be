// End users (the request's `user`, Anthropic's `metadata.user_id`, or `x-tollgate-end-user`) each
// get their own budget and limits, admitted atomically with the key's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig, PROMPT } from '../helpers/governed-config.js';

// A request costs $0.0034 (10 input tokens at $100/M, 12 output at $200/M): $0.01 admits two.
const END_USERS = `
end_users:
  default: { budget: { usd: 0.01, period: daily }, limits: { rpm: 100 } }
  overrides:
    - { id: vip, budget: { usd: 1, period: daily } }
    - { id: unmetered }
`;

let h: Harness;
before(async () => {
  h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-endusers-')), 'spool.jsonl'), extra: END_USERS }) });
});
after(async () => h.close());

const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, ...headers }, body: chatBody(body) });
const spend = async (scope: string) =>
  (await (await fetch(`${h.gateway.url}/admin/spend?scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

test('M3: two end users on one key: one exhausts its budget and is refused by name, the other still passes', async () => {
  assert.equal((await chat({ user: 'end-a' })).status, 200);
  assert.equal((await chat({ user: 'end-a' })).status, 200);
  const refused = await chat({ user: 'end-a' });
  assert.equal(refused.status, 429);
  const e = ((await refused.json()) as { error: { code: string; scope: string; period: string } }).error;
  assert.deepEqual([e.code, e.scope, e.period], ['budget_exceeded', 'end_user:end-a', 'daily']);
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  assert.equal((await chat({ user: 'end-b' })).status, 200, 'another end user of the same key is unaffected');
  assert.equal((await chat({})).status, 200, 'a request without an end user is not an end user');

  const a = await spend('end_user:end-a');
  assert.deepEqual([a['spend_nanos'], a['requests'], a['budget_usd'], a['period']], ['6800000', 2, 0.01, 'daily']);
  assert.equal((await spend('end_user:end-b'))['spend_nanos'], '3400000');
});

test('an override replaces the default; the header names the end user over the body', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await chat({ user: 'vip' })).status, 200, 'vip has its own, larger budget');
  for (let i = 0; i < 4; i++) assert.equal((await chat({ user: 'unmetered' })).status, 200, 'an override without limits is tracked, not limited');
  assert.equal((await spend('end_user:unmetered'))['spend_nanos'], '13600000');

  // The body says vip, the header says end-c: end-c is charged.
  assert.equal((await chat({ user: 'vip' }, { 'x-tollgate-end-user': 'end-c' })).status, 200);
  assert.equal((await spend('end_user:end-c'))['requests'], 1);
  assert.equal((await spend('end_user:vip'))['requests'], 4);

  const long = await chat({}, { 'x-tollgate-end-user': 'x'.repeat(300) });
  assert.equal(long.status, 400);
  assert.equal(((await long.json()) as { error: { code: string } }).error.code, 'invalid_end_user');
});

test("Anthropic's metadata.user_id names the end user on /v1/messages", async () => {
  const send = () =>
    fetch(`${h.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', max_tokens: 12, metadata: { user_id: 'end-d' }, messages: [{ role: 'user', content: PROMPT }] }),
    });
  assert.equal((await send()).status, 200);
  assert.equal((await send()).status, 200);
  const r = await send();
  assert.equal(r.status, 429);
  const body = (await r.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error');
  assert.match(body.error.message, /end user 'end-d'/);
});
