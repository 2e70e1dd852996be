// M9 across replicas, with real processes: a second gateway on the same database is refused at
// start while either keeps its counters in its own process — each would count alone, and every
// limit would multiply. A gateway that crashed does not block its own restart.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { governedConfig } from '../helpers/governed-config.js';
import { redisMissing, startRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-replica-refusal-'));
const storageUrl = `sqlite://${join(dir, 'shared.db')}`;
const running: CliProcess[] = [];
let n = 0;

function config(stateUrl = 'memory://'): string {
  const path = join(dir, `config-${++n}.yaml`);
  // The simulator is not needed: nothing here sends a request.
  writeFileSync(path, governedConfig({ mockUrl: 'http://127.0.0.1:9', spoolPath: join(dir, `spool-${n}.jsonl`), stateUrl, storageUrl }));
  return path;
}

async function start(stateUrl?: string): Promise<CliProcess> {
  const p = await startCli(['start', '--config', config(stateUrl)]);
  running.push(p);
  return p;
}

after(async () => {
  for (const p of running) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
});

test('M9: a second replica is refused while either keeps process-local counters; a crash does not block a restart', async () => {
  const first = await start();
  await assert.rejects(start(), (err: unknown) => /tollgate: refusing to start: 1 other gateway instance\(s\) run against this database .*state memory.*redis:\/\//s.test(String(err)));

  if (!redisMissing()) {
    const redis = await startRedis();
    try {
      // A replica on Redis next to one on memory:// would still leave that one counting alone.
      await assert.rejects(start(redis.url), (err: unknown) => /keeps its counters in its own process/.test(String(err)));
    } finally {
      await redis.stop();
    }
  }

  // A crash (no chance to deregister): the next start on this host sees the pid is gone.
  first.child.kill('SIGKILL');
  await first.exited;
  const restarted = await start();
  restarted.child.kill('SIGTERM');
  assert.equal(await restarted.exited, 0);
  // A clean stop deregisters: the next start does not wait either.
  const again = await start();
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
});
