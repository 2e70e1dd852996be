// Ledger rows carry the request's end user and tags, and a tag without a budget reports its spend
// from the ledger.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';

const TAGGED_KEY = 'sk-ledger-tags-0123456789abc';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-ledger-attr-')), 'spool.jsonl'),
        keys: `  - { name: ledger-tags, key: ${TAGGED_KEY}, metadata: { tags: "team-a" } }`,
      }),
  });
});
after(async () => h.close());

const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

test('ledger rows carry the end user and the tags of the key and the header', async () => {
  const r = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TAGGED_KEY}`, 'x-tollgate-tags': 'adhoc,eval' },
    body: chatBody({ user: 'end-l' }),
  });
  assert.equal(r.status, 200);
  await r.text();
  const rows = (await admin('/admin/logs?key=cfg:ledger-tags')).data as Array<{ end_user: string; tags: string[]; cost_nanos: string }>;
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.end_user, 'end-l');
  assert.deepEqual(rows[0]!.tags, ['team-a', 'adhoc', 'eval']);

  // No budget on these tags, so no counters: the ledger answers.
  const s = await admin('/admin/spend?scope=tag:adhoc');
  assert.deepEqual([s['source'], s['spend_nanos'], s['requests']], ['ledger', rows[0]!.cost_nanos, 1]);
  assert.equal((await admin('/admin/spend?scope=tag:team-a'))['requests'], 1);
  assert.equal((await admin(`/admin/spend?scope=tag:adhoc&from=${new Date(Date.now() + 60_000).toISOString()}`))['requests'], 0);
});

test('a ledger row holds the ids, key/user/team/org, model, deployment, attempts, token classes, cost, latency, status and cache status', async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
  const r = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-alice-team-0123456789ab', 'x-mock-cached-tokens': '4' },
    body: chatBody(),
  });
  assert.equal(r.status, 200);
  await r.text();
  const requestId = r.headers.get('x-tollgate-request-id');
  const row = ((await admin('/admin/logs?key=cfg:alice-team-key&limit=1')).data as Array<Record<string, unknown>>)[0]!;
  const bill = ((await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { by_model: Record<string, { prompt_tokens: number; completion_tokens: number; cached_tokens: number }> }).by_model['sim-model-1']!;
  assert.equal(row['request_id'], requestId);
  assert.deepEqual(
    [row['key_id'], row['key_name'], row['user_id'], row['team_id'], row['org_id'], row['model'], row['deployment'], row['provider'], row['surface'], row['status'], row['error_code'], row['cache_status'], row['stream']],
    ['cfg:alice-team-key', 'alice-team-key', 'alice', 'search', 'acme', 'chat', 'sim/sim-model-1', 'sim', '/v1/chat/completions', 200, null, 'bypass', false],
  );
  assert.equal(row['attempts'], 1);
  const [attempt] = row['attempt_details'] as Array<Record<string, unknown>>;
  assert.deepEqual([attempt!['deployment'], attempt!['status'], attempt!['error_code']], ['sim/sim-model-1', 200, null]);
  assert.deepEqual(
    [row['input_tokens'], row['cached_input_tokens'], row['cache_write_tokens'], row['output_tokens'], row['reasoning_tokens']],
    [bill.prompt_tokens, 4, 0, bill.completion_tokens, 0],
  );
  // sim-model-1: $100 / $200 per 1M; no cached price, so cached tokens cost the input price.
  assert.equal(row['cost_nanos'], String(BigInt(bill.prompt_tokens) * 100_000n + BigInt(bill.completion_tokens) * 200_000n));
  assert.ok(typeof row['latency_ms'] === 'number' && typeof row['created_at'] === 'number');
});
