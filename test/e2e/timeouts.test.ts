// Per-attempt timeouts (issue 4): connect, first byte, idle between stream chunks (stream-stall.test.ts)
// and total — each configurable per provider, each ending the attempt with `upstream_timeout`: before
// the first byte the plan moves on to the next target; after it the stream ends with an error event.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';

/**
 * A TCP listener that never accepts (backlog 0) with its one queue slot taken: a new connection's
 * handshake never completes, as with a black-holed host. Python's socket API lets us not accept;
 * node's server always does.
 */
async function blackHole(): Promise<{ port: number; close(): void }> {
  const py: ChildProcess = spawn('python3', ['-c', "import socket,time\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0); print(s.getsockname()[1], flush=True); time.sleep(600)"]);
  const port = await new Promise<number>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const filler = net.connect(port, '127.0.0.1');
  await new Promise((r) => filler.once('connect', r));
  return { port, close: () => (filler.destroy(), py.kill()) };
}
const noPython = spawnSync('python3', ['--version']).status !== 0;

let h: Harness;
let hole: { port: number; close(): void } | undefined;
before(async () => {
  if (!noPython) hole = await blackHole();
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-timeouts-')), 'spool.jsonl')} }
providers:
  unreachable: { type: openai-compatible, base_url: http://127.0.0.1:${hole?.port ?? 9}/v1, timeouts: { connect: 300ms }, breaker: { failures: 1000 } }
  slow-headers: { type: openai-compatible, base_url: ${mockUrl}/v1, timeouts: { first_byte: 300ms }, breaker: { failures: 1000 } }
  slow-total: { type: openai-compatible, base_url: ${mockUrl}/v1, timeouts: { first_byte: 30s, idle: 30s, total: 600ms }, breaker: { failures: 1000 } }
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
models:
  connect-first: { deployments: [ { provider: unreachable, model: model-u } ], fallbacks: [backup] }
  first-byte-first: { deployments: [ { provider: slow-headers, model: model-h } ], fallbacks: [backup] }
  total-first: { deployments: [ { provider: slow-total, model: model-t } ], fallbacks: [backup] }
  backup: { deployments: [ { provider: sim, model: model-b } ] }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => {
  await h.close();
  hole?.close();
});
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'DELETE' });
});

const fault = (model: string, faults: Record<string, unknown>) =>
  fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model }, faults }) });
const post = (model: string, stream = false) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }) });

/** The ledger row of the newest request for `model`, with every attempt. */
async function lastRow(model: string): Promise<{ status: number; error_code: string | null; attempt_details: Array<{ deployment: string; status: number; error_code: string | null }> }> {
  const r = await fetch(`${h.gateway.url}/admin/logs?model=${model}&limit=1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return ((await r.json()) as { data: Array<Awaited<ReturnType<typeof lastRow>>> }).data[0]!;
}

test('connect timeout: a host that never completes the handshake falls back after timeouts.connect', { skip: noPython && 'python3 is needed for a non-accepting listener' }, async () => {
  const r = await post('connect-first');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-b');
  assert.equal(r.headers.get('x-tollgate-attempts'), '2');
  const row = await lastRow('connect-first');
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code]), [['unreachable/model-u', 'upstream_timeout'], ['sim/model-b', null]]);
});

test('first-byte timeout: no response headers within timeouts.first_byte falls back', async () => {
  await fault('model-h', { latency_ms: 5_000 });
  const r = await post('first-byte-first');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-b');
  const row = await lastRow('first-byte-first');
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code]), [['slow-headers/model-h', 'upstream_timeout'], ['sim/model-b', null]]);
});

test('total timeout of one attempt: a call still unanswered after timeouts.total falls back', async () => {
  await fault('model-t', { latency_ms: 5_000 });
  const r = await post('total-first');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-b', 'the fallback got its own total, not what was left of the first');
  const row = await lastRow('total-first');
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code]), [['slow-total/model-t', 'upstream_timeout'], ['sim/model-b', null]]);
});

test('R6: total timeout mid-stream: frames flowing (never idle) still end with a timeout error event', async () => {
  await fault('model-t', { chunk_delay_ms: 150 });
  const r = await post('total-first', true);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-deployment'), 'slow-total/model-t');
  const text = await r.text();
  assert.match(text, /"content":/, 'some deltas were relayed before the deadline');
  assert.doesNotMatch(text, /\[DONE\]/);
  assert.match(text, /"code":"upstream_timeout"/);
  assert.match(text, /total timeout/);
});
