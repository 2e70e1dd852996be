import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidate, context, ids, seeded } from '../test-fixtures.js';
import { orderWeighted, pickWeighted } from './weighted.js';

test('first choice follows the weights (3:1) over many draws', () => {
  const cs = [candidate('a/x', { weight: 3 }), candidate('b/x', { weight: 1 })];
  const ctx = context({ random: seeded(7) });
  let a = 0;
  for (let i = 0; i < 20_000; i++) if (orderWeighted(cs, ctx).order[0]!.deployment.id === 'a/x') a++;
  assert.ok(Math.abs(a / 20_000 - 0.75) < 0.02, `share ${a / 20_000}`);
});

test('the order lists every candidate once (same-group retries follow the first choice)', () => {
  const cs = [candidate('a/x', { weight: 1 }), candidate('b/x', { weight: 5 }), candidate('c/x', { weight: 2 })];
  const got = ids(orderWeighted(cs, context()).order);
  assert.deepEqual([...got].sort(), ['a/x', 'b/x', 'c/x']);
});

test('weight 0 is never drawn while a positive weight remains, and goes last', () => {
  const cs = [candidate('z/x', { weight: 0 }), candidate('a/x', { weight: 1 })];
  for (let s = 0; s < 50; s++) assert.deepEqual(ids(orderWeighted(cs, context({ random: seeded(s) })).order), ['a/x', 'z/x']);
  assert.equal(pickWeighted([], Math.random), undefined);
  assert.equal(pickWeighted([{ weight: 1 }], () => 0.9999999999)?.weight, 1);
});
