import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentRuntime } from '../../config/runtime.js';
import { candidate, context, ids } from '../test-fixtures.js';
import { orderByCost } from './cost.js';

// $ per 1M tokens, (input + output) / 2
const PRICES: Record<string, number> = { 'cheap/mini': 0.4, 'mid/std': 3, 'pricey/large': 15 };
const priceOf = (d: DeploymentRuntime): number | undefined => PRICES[d.id];

const cs = [
  candidate('pricey/large', { ewmaMs: 400 }),
  candidate('mid/std', { ewmaMs: 900 }),
  candidate('cheap/mini', { ewmaMs: 2000 }),
];

test('the "cheap" task puts the cheapest first even when it is slowest', () => {
  const o = orderByCost(cs, context({ priceOf, hints: { task: 'cheap' } }));
  assert.deepEqual(ids(o.order), ['cheap/mini', 'mid/std', 'pricey/large']);
});

test('the "fast" task puts the fastest first even when it is dearest', () => {
  const o = orderByCost(cs, context({ priceOf, hints: { task: 'fast' } }));
  assert.equal(o.order[0]!.deployment.id, 'pricey/large');
});

test('a latency budget excludes deployments whose EWMA exceeds it, with the reason', () => {
  const o = orderByCost(cs, context({ priceOf, hints: { task: 'cheap', maxLatencyMs: 1000 } }));
  assert.deepEqual(ids(o.order), ['mid/std', 'pricey/large']);
  assert.equal(o.excluded.length, 1);
  assert.equal(o.excluded[0]!.deployment.id, 'cheap/mini');
  assert.match(o.excluded[0]!.reason, /^over_latency_budget: EWMA 2000 ms > 1000 ms$/);
});

test('unmeasured deployments are kept under a budget; unknown prices count as the dearest', () => {
  const o = orderByCost([candidate('unknown/x'), candidate('cheap/mini', { ewmaMs: 100 })], context({ priceOf, hints: { maxLatencyMs: 10, task: 'cheap' } }));
  assert.deepEqual(ids(o.order), ['unknown/x']);
  const same = { ewmaMs: 100 };
  const p = orderByCost([candidate('unknown/x', same), candidate('mid/std', same), candidate('cheap/mini', same)], context({ priceOf }));
  assert.deepEqual(ids(p.order), ['cheap/mini', 'mid/std', 'unknown/x']);
});

test('custom weights per task tag override the defaults; unknown tags use "default"', () => {
  const ctx = context({ priceOf, hints: { task: 'batch' }, costWeights: { batch: { price: 1, latency: 0 } } });
  assert.equal(orderByCost(cs, ctx).order[0]!.deployment.id, 'cheap/mini');
  const d = orderByCost(cs, context({ priceOf, hints: { task: 'nope' } }));
  assert.equal(d.order.length, 3);
});
