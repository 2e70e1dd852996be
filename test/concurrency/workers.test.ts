// `tollgate start --workers 2` with a shared Redis: node:cluster workers share the port and the
// counters, so a limit holds for the whole gateway, not per worker (M9).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../src/mock/server.js';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { chatBody, fire, governedConfig } from '../helpers/governed-config.js';
import { redisMissing, startRedis } from '../helpers/services.js';

const skip = redisMissing();
let mock: Awaited<ReturnType<typeof startMock>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let gw: CliProcess;

before(async () => {
  if (skip) return;
  mock = await startMock({ port: 0 });
  redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'tg-workers-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, governedConfig({ mockUrl: mock.url, spoolPath: join(dir, 'spool.jsonl'), stateUrl: redis.url, storageUrl: `sqlite://${join(dir, 'ledger.db')}` }));
  gw = await startCli(['start', '--config', configPath, '--workers', '2']);
});

after(async () => {
  if (skip) return;
  gw.child.kill('SIGTERM');
  assert.equal(await gw.exited, 0, 'the primary and its workers stop cleanly');
  await mock.close();
  await redis.stop();
});

test('M9: RPM is exact across two cluster workers sharing Redis', { skip }, async () => {
  const results = await fire(40, 40, () => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-rpm10-0123456789abcdef' }, body: chatBody() }));
  assert.equal(results.filter((r) => r.status === 200).length, 10);
  assert.ok(results.filter((r) => r.status === 429).every((r) => r.body.includes('rate_limit_rpm')));
});
