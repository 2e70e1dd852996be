import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { DEFAULT_MOCK_HOST, DEFAULT_MOCK_PORT, MockArgumentError, parseMockArgs } from './cli.js';

test('parses --port, --host, --require-key (also as --flag=value) with defaults 8081 and 127.0.0.1', () => {
  assert.deepEqual(parseMockArgs([]), { port: DEFAULT_MOCK_PORT, host: DEFAULT_MOCK_HOST, requireKey: undefined });
  assert.equal(DEFAULT_MOCK_PORT, 8081);
  assert.deepEqual(parseMockArgs(['--port', '9000', '--host', '0.0.0.0', '--require-key', 'k']), {
    port: 9000,
    host: '0.0.0.0',
    requireKey: 'k',
  });
  assert.deepEqual(parseMockArgs(['--port=0', '--require-key=a=b']), { port: 0, host: DEFAULT_MOCK_HOST, requireKey: 'a=b' });
});

test('refuses unknown arguments and bad ports', () => {
  for (const args of [['--bogus'], ['--port'], ['--port', 'x'], ['--port', '70000'], ['--port', '']]) {
    assert.throws(() => parseMockArgs(args), MockArgumentError, args.join(' '));
  }
});

test('runs until SIGTERM, printing its URL on one line', async () => {
  const cli = new URL('./cli.ts', import.meta.url).href;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import(${JSON.stringify(cli)}).then((m) => m.runMockCommand(['--port', '0']))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!out.includes('\n')) {
      const [chunk] = (await once(child.stdout, 'data')) as [string];
      out += chunk;
    }
    const match = /^tollgate mock listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(out);
    assert.ok(match, out);
    const res = await fetch(`${match[1]}/v1/models`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
