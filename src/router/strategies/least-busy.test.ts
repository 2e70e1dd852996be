import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidate, context, ids, seeded } from '../test-fixtures.js';
import { orderLeastBusy } from './least-busy.js';

test('orders by fewest calls in flight', () => {
  const cs = [candidate('a/x', { inFlight: 5 }), candidate('b/x', { inFlight: 0 }), candidate('c/x', { inFlight: 2 })];
  assert.deepEqual(ids(orderLeastBusy(cs, context()).order), ['b/x', 'c/x', 'a/x']);
});

test('breaks ties at random, evenly', () => {
  const cs = [candidate('a/x', { inFlight: 1 }), candidate('b/x', { inFlight: 1 }), candidate('c/x', { inFlight: 9 })];
  const ctx = context({ random: seeded(3) });
  const firsts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const o = ids(orderLeastBusy(cs, ctx).order);
    assert.equal(o[2], 'c/x');
    firsts.set(o[0]!, (firsts.get(o[0]!) ?? 0) + 1);
  }
  assert.ok(Math.abs(firsts.get('a/x')! / 10_000 - 0.5) < 0.03);
});
