import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidate, context, ids, seeded } from '../test-fixtures.js';
import { orderLeastLatency } from './least-latency.js';

test('of the two sampled deployments the faster goes first; the rest follow by EWMA', () => {
  const cs = [candidate('a/x', { ewmaMs: 300 }), candidate('b/x', { ewmaMs: 100 }), candidate('c/x', { ewmaMs: 200 })];
  // random() = 0 samples index 0 and (0 → skip self) index 1: a vs b → b
  const o = ids(orderLeastLatency(cs, context({ random: () => 0 })).order);
  assert.deepEqual(o, ['b/x', 'c/x', 'a/x']);
});

test('power of two choices: the slowest never goes first, the fastest most often, load still spreads', () => {
  const cs = [100, 200, 300, 400].map((ms, i) => candidate(`d${i}/x`, { ewmaMs: ms }));
  const ctx = context({ random: seeded(11) });
  const firsts = new Map<string, number>();
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    const f = orderLeastLatency(cs, ctx).order[0]!.deployment.id;
    firsts.set(f, (firsts.get(f) ?? 0) + 1);
  }
  // P2C over 4 without replacement: P(rank k first) = (n-k)/C(n,2) → 3/6, 2/6, 1/6, 0
  assert.equal(firsts.get('d3/x') ?? 0, 0);
  assert.ok(Math.abs(firsts.get('d0/x')! / N - 0.5) < 0.02);
  assert.ok(Math.abs(firsts.get('d2/x')! / N - 1 / 6) < 0.02);
});

test('unmeasured deployments are probed (count as 0 ms); one candidate is returned as is', () => {
  const cs = [candidate('a/x', { ewmaMs: 50 }), candidate('new/x')];
  assert.equal(orderLeastLatency(cs, context({ random: () => 0 })).order[0]!.deployment.id, 'new/x');
  assert.deepEqual(ids(orderLeastLatency([candidate('a/x')], context()).order), ['a/x']);
});
