import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyTracker } from './latency-tracker.js';

test('EWMA starts at the first sample and moves by alpha', () => {
  const t = new LatencyTracker({ alpha: 0.5 });
  assert.equal(t.stats('a').ewmaMs, undefined);
  t.observe('a', 100);
  assert.equal(t.stats('a').ewmaMs, 100);
  t.observe('a', 200);
  assert.equal(t.stats('a').ewmaMs, 150);
  t.observe('a', Number.NaN);
  assert.equal(t.stats('a').ewmaMs, 150, 'garbage samples are ignored');
});

test('begin/end counts calls in flight, once per call, and records the latency', () => {
  const t = new LatencyTracker();
  const end1 = t.begin('a');
  const end2 = t.begin('a');
  assert.equal(t.stats('a').inFlight, 2);
  end1(40);
  end1(40);
  assert.deepEqual(t.stats('a'), { inFlight: 1, ewmaMs: 40 });
  end2();
  assert.deepEqual(t.stats('a'), { inFlight: 0, ewmaMs: 40 }, 'a failed call ends without a sample');
});

test('alpha outside (0, 1] is refused', () => {
  assert.throws(() => new LatencyTracker({ alpha: 0 }), RangeError);
  assert.throws(() => new LatencyTracker({ alpha: 1.5 }), RangeError);
});
