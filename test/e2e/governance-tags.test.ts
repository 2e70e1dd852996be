// Tags (`x-tollgate-tags`, and a key's metadata `tags`) label requests; a tag the config budgets is
// also an admission scope, counted like any other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';

const TAGGED_KEY = 'sk-tagged-0123456789abcdefgh';

// A request costs $0.0034: $0.01 admits two.
const EXTRA = `
tags:
  - { name: nightly, budget: { usd: 0.01, period: none } }
  - { name: batch, limits: { rpm: 3 } }
`;

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-tags-')), 'spool.jsonl'),
        keys: `  - { name: tagged, key: ${TAGGED_KEY}, metadata: { tags: "batch, team-a" } }`,
        extra: EXTRA,
      }),
  });
});
after(async () => h.close());

const chat = (key: string, tags?: string) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...(tags === undefined ? {} : { 'x-tollgate-tags': tags }) }, body: chatBody() });
const spend = async (scope: string) =>
  (await (await fetch(`${h.gateway.url}/admin/spend?scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;

test('a budgeted tag refuses by name once spent, and only requests carrying it', async () => {
  assert.equal((await chat(KEY, 'nightly, eval')).status, 200);
  assert.equal((await chat(KEY, 'nightly')).status, 200);
  const r = await chat(KEY, 'eval,nightly');
  assert.equal(r.status, 429);
  const e = ((await r.json()) as { error: { code: string; scope: string } }).error;
  assert.deepEqual([e.code, e.scope], ['budget_exceeded', 'tag:nightly']);
  assert.equal((await chat(KEY, 'eval')).status, 200, 'other tags are not limited');
  const s = await spend('tag:nightly');
  assert.deepEqual([s['source'], s['spend_nanos'], s['requests'], s['budget_usd']], ['counters', '6800000', 2, 0.01]);
});

test("a key's metadata tags apply to every request made with it", async () => {
  for (let i = 0; i < 3; i++) assert.equal((await chat(TAGGED_KEY)).status, 200);
  const r = await chat(TAGGED_KEY, 'extra');
  assert.equal(r.status, 429);
  const e = ((await r.json()) as { error: { code: string; scope: string } }).error;
  assert.deepEqual([e.code, e.scope], ['rate_limit_rpm', 'tag:batch']);
  assert.equal((await chat(KEY, 'other')).status, 200);
});

test('malformed tags are refused, not dropped', async () => {
  for (const bad of ['has space', 'a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q', '-leading-dash', 'x'.repeat(65)]) {
    const r = await chat(KEY, bad);
    assert.equal(r.status, 400, bad);
    const e = ((await r.json()) as { error: { code: string; param: string } }).error;
    assert.deepEqual([e.code, e.param], ['invalid_tags', 'x-tollgate-tags']);
  }
  assert.equal((await chat(KEY, ' , ,')).status, 200, 'empty pieces are ignored');
});
