// Routing strategies through the gateway, as configured per model group.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-strat-')), 'spool.jsonl')} }
providers:
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, forward_headers: [x-mock-*] }
pricing:
  cheap-model: { input: 0.1, output: 0.4 }
  dear-model: { input: 10, output: 40 }
models:
  rr: { strategy: round-robin, deployments: [ { provider: sim, model: rr-1 }, { provider: sim, model: rr-2 }, { provider: sim, model: rr-3 } ] }
  weighted: { strategy: weighted, deployments: [ { provider: sim, model: w-heavy, weight: 9 }, { provider: sim, model: w-light, weight: 1 } ] }
  sticky: { deployments: [ { provider: sim, model: s-1 }, { provider: sim, model: s-2 }, { provider: sim, model: s-3 } ] }
  priced: { strategy: cost, deployments: [ { provider: sim, model: dear-model }, { provider: sim, model: cheap-model } ] }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => h.close());

async function served(model: string, n: number, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }) });
    await r.text();
    const d = r.headers.get('x-tollgate-deployment')!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return counts;
}

test('round-robin spreads requests evenly, in turn', async () => {
  const c = await served('rr', 30);
  assert.deepEqual([...c.values()], [10, 10, 10]);
});

test('weighted follows the weights', async () => {
  const c = await served('weighted', 400);
  const heavy = c.get('sim/w-heavy') ?? 0;
  assert.ok(heavy > 320 && heavy < 395, `heavy served ${heavy} of 400 (expected ~360)`);
});

test('the cost strategy prefers the cheaper deployment, strongly so for a cheap task', async () => {
  const c = await served('priced', 20, { 'x-tollgate-task': 'cheap' });
  assert.ok((c.get('sim/cheap-model') ?? 0) >= 18, JSON.stringify([...c]));
});

test('C3: requests sharing a prompt_cache_key stick to one deployment; different keys spread', async () => {
  const send = async (key: string) => {
    const r = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'sticky', prompt_cache_key: key, messages: [{ role: 'user', content: 'x' }] }) });
    await r.text();
    return r.headers.get('x-tollgate-deployment')!;
  };
  const same = new Set<string>();
  for (let i = 0; i < 15; i++) same.add(await send('conversation-1'));
  assert.equal(same.size, 1, 'one conversation, one deployment');
  const spread = new Set<string>();
  for (let i = 0; i < 30; i++) spread.add(await send(`conversation-${i}`));
  assert.equal(spread.size, 3, 'many conversations use every deployment');
});
