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
