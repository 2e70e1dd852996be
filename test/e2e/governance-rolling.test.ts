// Rolling budget windows (`window: rolling`): the last 24 h / 7 d / 30 d instead of the calendar
// period. How spend leaves the window is proven in the CounterStore conformance suite (it steps
// the clock); here, that the config and the admin API reach admission and the spend report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';

const ROLLING_KEY = 'sk-rolling-0123456789abcdefg';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-rolling-')), 'spool.jsonl'),
        // A request costs $0.0034: $0.01 admits two.
        keys: `  - { name: rolling, key: ${ROLLING_KEY}, budget: { usd: 0.01, period: weekly, window: rolling } }`,
      }),
  });
});
after(async () => h.close());

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${h.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const chat = (key: string) => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: chatBody() });

async function exhaust(key: string): Promise<Response> {
  assert.equal((await chat(key)).status, 200);
  assert.equal((await chat(key)).status, 200);
  const r = await chat(key);
  assert.equal(r.status, 429);
  return r;
}

test('a rolling budget from the config is enforced and reported as a window', async () => {
  const r = await exhaust(ROLLING_KEY);
  const e = ((await r.json()) as { error: { code: string; scope: string; period: string; message: string } }).error;
  assert.deepEqual([e.code, e.scope, e.period], ['budget_exceeded', 'key:cfg:rolling', 'rolling 7d']);
  // Spend leaves a weekly window in 6 h buckets: retrying helps at the next bucket boundary at the latest.
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 6 * 3600, String(retry));
  const s = (await (await admin('GET', '/admin/spend?scope=key:cfg:rolling')).json()) as Record<string, unknown>;
  assert.deepEqual([s['window'], s['period'], s['period_id'], s['spend_nanos']], ['rolling', 'weekly', 'r:weekly', '6800000']);
});

test('a rolling budget set through the admin API applies to the key at once', async () => {
  const k = (await (await admin('POST', '/admin/keys', { name: 'api-rolling', budget: { usd: 0.01, period: 'daily', window: 'rolling' } })).json()) as { id: string; key: string; budget: unknown };
  assert.deepEqual(k.budget, { usd: 0.01, period: 'daily', window: 'rolling' });
  const r = await exhaust(k.key);
  assert.equal(((await r.json()) as { error: { period: string } }).error.period, 'rolling 24h');
  const view = (await (await admin('GET', `/admin/keys/${k.id}`)).json()) as { spend_usd: number };
  assert.equal(view.spend_usd, 0.0068);
  const rec = (await (await admin('GET', '/admin/reconcile')).json()) as { ok: boolean };
  assert.equal(rec.ok, true, JSON.stringify(rec));
});
