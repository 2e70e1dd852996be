import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidate, context, ids } from '../test-fixtures.js';
import { orderRoundRobin, RoundRobinCursors } from './round-robin.js';

test('each request starts one step further; the rest follow in config order', () => {
  const cs = [candidate('a/x'), candidate('b/x'), candidate('c/x')];
  const ctx = context();
  assert.deepEqual(ids(orderRoundRobin(cs, ctx).order), ['a/x', 'b/x', 'c/x']);
  assert.deepEqual(ids(orderRoundRobin(cs, ctx).order), ['b/x', 'c/x', 'a/x']);
  assert.deepEqual(ids(orderRoundRobin(cs, ctx).order), ['c/x', 'a/x', 'b/x']);
  assert.deepEqual(ids(orderRoundRobin(cs, ctx).order), ['a/x', 'b/x', 'c/x']);
});

test('cursors are per group and tolerate an empty group', () => {
  const c = new RoundRobinCursors();
  assert.equal(c.next('g1', 2), 0);
  assert.equal(c.next('g2', 2), 0);
  assert.equal(c.next('g1', 2), 1);
  assert.equal(c.next('g3', 0), 0);
});
