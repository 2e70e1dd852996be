// SIGTERM: stop accepting, let in-flight streams finish, flush logs, exit 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../src/mock/server.js';
import { authHeaders, defaultConfig } from '../helpers/harness.js';
import { startCli } from '../helpers/cli-process.js';

let mock: Awaited<ReturnType<typeof startMock>>;
let configPath: string;
before(async () => {
  mock = await startMock({ port: 0 });
  configPath = join(mkdtempSync(join(tmpdir(), 'tollgate-shutdown-')), 'config.yaml');
  writeFileSync(configPath, defaultConfig(mock.url));
});
after(async () => mock.close());

test('SIGTERM lets an open stream finish, refuses new connections, and exits 0', async () => {
  const gw = await startCli(['start', '--config', configPath]);
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), 'x-mock-chunk-delay-ms': '100', 'x-mock-output-tokens': '10' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'long answer' }], stream: true }),
  });
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(!first.done);
  gw.child.kill('SIGTERM');
  // Give the gateway a moment to stop listening, then a new connection must be refused.
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(fetch(`${gw.url}/health/live`, { headers: { connection: 'close' } }));
  let rest = new TextDecoder().decode(first.value);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  assert.ok(rest.trimEnd().endsWith('data: [DONE]'), 'the open stream completed');
  assert.equal(await gw.exited, 0);
  assert.match(gw.output(), /"msg":"stopped"/, 'logs were flushed before exit');
});

test('SIGTERM with nothing in flight exits promptly with 0', async () => {
  const gw = await startCli(['start', '--config', configPath]);
  gw.child.kill('SIGTERM');
  assert.equal(await gw.exited, 0);
});
