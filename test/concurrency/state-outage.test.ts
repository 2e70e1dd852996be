// ARCHITECTURE decision 7: with Redis gone mid-run, admission fails closed (503 state_unavailable)
// by default, or — when configured — fails open with a metric, a log line and `degraded` receipts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';
import { redisMissing, startRedis } from '../helpers/services.js';

const skip = redisMissing();

async function scenario(failOpen: boolean) {
  const redis = await startRedis();
  const h = await startHarness({
    config: (mockUrl) => governedConfig({ mockUrl, spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-outage-')), 'spool.jsonl'), stateUrl: redis.url, failOpen }),
  });
  const post = () => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-budgeted-0123456789abcdef' }, body: chatBody() });
  return { redis, h, post };
}

test('fails closed with 503 state_unavailable when Redis stops mid-run', { skip }, async () => {
  const { redis, h, post } = await scenario(false);
  try {
    assert.equal((await post()).status, 200);
    await redis.stop();
    const r = await post();
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'state_unavailable');
    assert.equal((await fetch(`${h.gateway.url}/health/ready`)).status, 503, 'readiness reports the outage');
  } finally {
    await h.close();
  }
});

test('fails open, loudly, when configured to', { skip }, async () => {
  const { redis, h, post } = await scenario(true);
  try {
    assert.match((await post()).headers.get('x-tollgate-enforcement')!, /budget=exact/);
    await redis.stop();
    const r = await post();
    assert.equal(r.status, 200);
    assert.match(r.headers.get('x-tollgate-enforcement')!, /budget=degraded/);
    const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
    assert.match(metrics, /tollgate_state_degraded_total\{phase="reserve"\} [1-9]/);
    assert.ok(h.logs.some((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('state store unavailable')));
  } finally {
    await h.close();
  }
});
