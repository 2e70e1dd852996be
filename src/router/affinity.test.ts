import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../core/chat.js';
import { affinityKey, canonicalJson, pickWithAffinity, type AffinityRequest } from './affinity.js';

const text = (t: string) => [{ type: 'text' as const, text: t }];
const SYSTEM: ChatMessage = { role: 'system', content: text('You are a careful assistant. '.repeat(200)) }; // ~5,800 chars
const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}/model` }));

function conversation(turns: number, system = SYSTEM): AffinityRequest {
  const messages: ChatMessage[] = [system];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: text(`question ${i}`) });
    if (i < turns - 1) messages.push({ role: 'assistant', content: text(`answer ${i}`) });
  }
  return { messages };
}

test('an explicit prompt_cache_key wins, then user; neither needs a long prefix', () => {
  const short: AffinityRequest = { messages: [{ role: 'user', content: text('hi') }] };
  assert.equal(affinityKey({ ...short, promptCacheKey: 'pck', user: 'u1' }), 'k:pck');
  assert.equal(affinityKey({ ...short, source: { wire: 'openai-chat', body: { prompt_cache_key: 'from-body' } } }), 'k:from-body');
  assert.equal(affinityKey({ ...short, user: 'u1' }), 'u:u1');
});

test('a prefix shorter than the caching minimum is not pinned', () => {
  assert.equal(affinityKey(conversation(3, { role: 'system', content: text('Be brief.') })), undefined);
  // ~5,800 chars ≈ 1,450 tokens: pinned at 1024, not at 2048
  assert.match(affinityKey(conversation(1)) ?? '', /^h:[0-9a-f]{32}$/);
  assert.equal(affinityKey(conversation(1), { minPrefixTokens: 2048 }), undefined);
});

test('every turn of one conversation gets the same key (scope "conversation")', () => {
  const k1 = affinityKey(conversation(1));
  assert.ok(k1);
  assert.equal(affinityKey(conversation(2)), k1);
  assert.equal(affinityKey(conversation(5)), k1);
  assert.notEqual(affinityKey(conversation(1, { role: 'system', content: text('Other prompt. '.repeat(400)) })), k1);
});

test('scope "prefix" hashes everything before the last user turn, so it changes per turn', () => {
  const a = affinityKey(conversation(2), { scope: 'prefix' });
  const b = affinityKey(conversation(3), { scope: 'prefix' });
  assert.ok(a && b);
  assert.notEqual(a, b);
  // single-turn requests that share the system prompt share the key
  const q1 = { messages: [SYSTEM, { role: 'user' as const, content: text('one') }] };
  const q2 = { messages: [SYSTEM, { role: 'user' as const, content: text('two') }] };
  assert.equal(affinityKey(q1, { scope: 'prefix' }), affinityKey(q2, { scope: 'prefix' }));
});

test('tools are part of the key and key order inside them does not matter', () => {
  const base = conversation(1);
  const t1 = affinityKey({ ...base, tools: [{ name: 'f', parameters: { type: 'object', properties: {} } }] });
  const t2 = affinityKey({ ...base, tools: [{ parameters: { properties: {}, type: 'object' }, name: 'f' }] });
  assert.equal(t1, t2);
  assert.notEqual(t1, affinityKey(base));
  assert.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: 'x' }] }), '{"a":[1,{"c":"x"}],"b":1}');
});

test('the same key always maps to the same deployment, whatever the candidate order', () => {
  const ds = nodes(5);
  for (let k = 0; k < 200; k++) {
    const w = pickWithAffinity(`key-${k}`, ds)!;
    assert.equal(pickWithAffinity(`key-${k}`, [...ds].reverse()), w);
    assert.equal(pickWithAffinity(`key-${k}`, ds), w);
  }
  assert.equal(pickWithAffinity('k', []), undefined);
});

test('removing a deployment remaps only the keys that were on it (~1/n)', () => {
  const ds = nodes(5);
  const without = ds.filter((d) => d.id !== 'p2/model');
  const N = 5000;
  let moved = 0;
  let onRemoved = 0;
  for (let k = 0; k < N; k++) {
    const before = pickWithAffinity(`key-${k}`, ds)!;
    const after = pickWithAffinity(`key-${k}`, without)!;
    if (before.id === 'p2/model') onRemoved++;
    else if (after !== before) assert.fail(`key-${k} moved from a surviving deployment`);
    if (after !== before) moved++;
  }
  assert.equal(moved, onRemoved);
  assert.ok(Math.abs(moved / N - 0.2) < 0.03, `moved ${moved / N}`);
});

test('keys spread roughly uniformly; weights bias the share', () => {
  const ds = nodes(4);
  const N = 20_000;
  const count = new Map<string, number>();
  for (let k = 0; k < N; k++) {
    const id = pickWithAffinity(`conv-${k}`, ds)!.id;
    count.set(id, (count.get(id) ?? 0) + 1);
  }
  for (const d of ds) assert.ok(Math.abs(count.get(d.id)! / N - 0.25) < 0.02, `${d.id}: ${count.get(d.id)}`);

  const weighted = [
    { id: 'a', weight: 3 },
    { id: 'b', weight: 1 },
  ];
  let a = 0;
  for (let k = 0; k < N; k++) if (pickWithAffinity(`w-${k}`, weighted)!.id === 'a') a++;
  assert.ok(Math.abs(a / N - 0.75) < 0.02, `a share ${a / N}`);
});
