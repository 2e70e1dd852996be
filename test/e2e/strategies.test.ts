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
  busy: { strategy: least-busy, deployments: [ { provider: sim, model: b-1 }, { provider: sim, model: b-2 } ] }
  quick: { strategy: least-latency, deployments: [ { provider: sim, model: l-slow }, { provider: sim, model: l-fast } ] }
  pool: { strategy: weighted, deployments: [ { provider: sim, model: pc-1 }, { provider: sim, model: pc-2 }, { provider: sim, model: pc-3 } ] }
  solo: { deployments: [ { provider: sim, model: pc-solo } ] }
  sticky-h: { deployments: [ { provider: sim, model: h-1 }, { provider: sim, model: h-2 }, { provider: sim, model: h-3 } ] }
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

const rule = (model: string, faults: Record<string, unknown>) => fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model }, faults }) });

test('C3: affinity yields at once to a pinned deployment out of rate-limit headroom, and only its keys move', async () => {
  const send = async (key: string) => {
    const r = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'sticky-h', prompt_cache_key: key, messages: [{ role: 'user', content: 'x' }] }) });
    await r.text();
    return { deployment: r.headers.get('x-tollgate-deployment')!, attempts: r.headers.get('x-tollgate-attempts') };
  };
  const pinned = (await send('conv-h')).deployment;
  // A key pinned elsewhere, to show it does not move.
  let other = 'conv-0';
  for (let i = 1; (await send(other)).deployment === pinned; i++) other = `conv-${i}`;
  const otherHome = (await send(other)).deployment;
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: pinned.split('/')[1] }, faults: { status: 429, retry_after: '30' }, times: 1 }) });
  const hit = await send('conv-h');
  assert.equal(hit.attempts, '2', 'the pinned deployment answered 429; the next one served');
  const before = ((await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { received: number }).received;
  const after = [];
  for (let i = 0; i < 5; i++) after.push(await send('conv-h'));
  assert.ok(after.every((x) => x.deployment !== pinned && x.attempts === '1'), `the key went straight elsewhere: ${JSON.stringify(after)}`);
  assert.equal(new Set(after.map((x) => x.deployment)).size, 1, 'and stays on one deployment');
  assert.equal(((await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { received: number }).received - before, 5, 'no call went to the rate-limited one first');
  assert.equal((await send(other)).deployment, otherHome, 'keys pinned elsewhere did not move');
});

test('least-busy: a burst planned at once is split evenly by calls in flight', async () => {
  await rule('b-1', { latency_ms: 300 });
  await rule('b-2', { latency_ms: 300 });
  const res = await Promise.all(
    Array.from({ length: 10 }, () => fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'busy', messages: [{ role: 'user', content: 'x' }] }) })),
  );
  const counts = new Map<string, number>();
  for (const r of res) {
    await r.text();
    const d = r.headers.get('x-tollgate-deployment')!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()].sort(), [5, 5], JSON.stringify([...counts]));
});

test('least-latency: once measured, the fast deployment takes the traffic', async () => {
  await rule('l-slow', { latency_ms: 80 });
  await served('quick', 10); // both get measured (ties and the first calls)
  const counts = await served('quick', 30);
  assert.ok((counts.get('sim/l-fast') ?? 0) >= 27, JSON.stringify([...counts]));
});

test('C3: through the gateway, prompt-cache hit rate matches calling one deployment directly', async () => {
  // 12 conversations of 4 turns, each with its own long system prompt (> the 1024-token caching
  // minimum); the simulator keeps a prefix cache per deployment (x-mock-prefix-cache).
  const system = (c: number) => `Conversation ${c}. ` + 'You are a meticulous assistant. '.repeat(200);
  async function hitRate(model: string): Promise<number> {
    let hits = 0;
    let eligible = 0;
    for (let c = 0; c < 12; c++) {
      const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: system(c) }];
      for (let turn = 0; turn < 4; turn++) {
        messages.push({ role: 'user', content: `Question ${turn} of conversation ${c}` });
        const r = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'x-mock-prefix-cache': '1' }, body: JSON.stringify({ model, messages }) });
        const body = (await r.json()) as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens_details?: { cached_tokens?: number } } };
        if (turn > 0) {
          eligible++;
          if ((body.usage.prompt_tokens_details?.cached_tokens ?? 0) > 0) hits++;
        }
        messages.push({ role: 'assistant', content: body.choices[0]!.message.content });
      }
    }
    return hits / eligible;
  }
  const direct = await hitRate('solo');
  const routed = await hitRate('pool');
  assert.equal(direct, 1, 'every later turn hits the cache of a single deployment');
  assert.equal(routed, direct, 'affinity keeps each conversation on one deployment of three');
});
