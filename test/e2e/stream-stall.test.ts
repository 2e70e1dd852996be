// A hung upstream: "200 then nothing" before the first frame falls back transparently; a stream
// that goes silent after frames reached the client ends with an explicit timeout error event —
// never [DONE], never a client left waiting for ever (issue 4: idle timeout between chunks).
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-stall-')), 'spool.jsonl')} }
providers:
  hung: { type: openai-compatible, base_url: ${mockUrl}/v1, timeouts: { idle: 400ms }, breaker: { failures: 1000 } }
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
models:
  primary: { deployments: [ { provider: hung, model: model-h } ], fallbacks: [backup] }
  backup: { deployments: [ { provider: sim, model: model-b } ] }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'DELETE' });
});

const stall = (after: number) =>
  fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'model-h' }, faults: { stall_after: after } }) });
const stream = () =>
  fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'primary', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });

test('"200 then nothing" before the first frame times out on idle and falls back transparently', async () => {
  await stall(0);
  const r = await stream();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-b');
  assert.equal(r.headers.get('x-tollgate-attempts'), '2');
  const text = await r.text();
  assert.match(text, /data: \[DONE\]/);
  assert.match(text, /"model":"model-b"/);
  assert.doesNotMatch(text, /model-h/, 'nothing of the hung attempt reached the client');
});

test('a stream that goes silent after frames were relayed ends with a timeout error event, not [DONE]', async () => {
  await stall(2);
  const r = await stream();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-deployment'), 'hung/model-h');
  const text = await r.text();
  assert.doesNotMatch(text, /\[DONE\]/);
  assert.match(text, /"code":"upstream_timeout"/);
  // The request line is written once the pipeline settles, just after the client's stream ended.
  const lineFor = () => h.logs.filter((l) => l['model'] === 'primary' && l['code'] !== undefined).at(-1);
  for (let i = 0; i < 100 && !lineFor(); i++) await new Promise((r) => setTimeout(r, 20));
  const line = lineFor();
  assert.equal(line?.['code'], 'upstream_timeout', 'logged as a failure, with its cause');
  assert.equal(line?.['deployment'], 'hung/model-h');
});
