import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_NO_HEADROOM_MS, HeadroomTracker } from './headroom.js';

test('a 429 takes the headroom away until its Retry-After, then gives it back', () => {
  let now = 1_000;
  const t = new HeadroomTracker(() => now);
  assert.equal(t.has('p/a'), true);
  t.exhausted('p/a', 30_000);
  assert.equal(t.has('p/a'), false);
  assert.equal(t.has('p/b'), true, 'per deployment');
  now += 29_999;
  assert.equal(t.has('p/a'), false);
  now += 1;
  assert.equal(t.has('p/a'), true);
});

test('without a hint, a short default; a later, shorter hint never shortens it', () => {
  let now = 0;
  const t = new HeadroomTracker(() => now);
  t.exhausted('p/a', undefined);
  now = DEFAULT_NO_HEADROOM_MS - 1;
  assert.equal(t.has('p/a'), false);
  t.exhausted('p/a', 60_000);
  t.exhausted('p/a', 10);
  now += 59_999;
  assert.equal(t.has('p/a'), false);
});
