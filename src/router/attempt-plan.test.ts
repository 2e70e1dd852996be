import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentRuntime } from '../config/runtime.js';
import { affinityKey } from './affinity.js';
import { findFallbackCycle, healthSnapshot, planAttempts, type DeploymentHealth, type PlanInput, type PlannableGroup } from './attempt-plan.js';
import { LatencyTracker } from './latency-tracker.js';
import { RoundRobinCursors } from './strategies/round-robin.js';
import { group, seeded } from './test-fixtures.js';

function setup(groups: PlannableGroup[], o: Partial<PlanInput> = {}): PlanInput {
  const byName = new Map(groups.map((g) => [g.name, g]));
  return { group: groups[0]!, resolveGroup: (n) => byName.get(n), health: new Map(), random: seeded(1), cursors: new RoundRobinCursors(), ...o };
}
const ids = (p: ReturnType<typeof planAttempts>) => p.attempts.map((a) => a.deployment.id);
const health = (e: Record<string, Partial<DeploymentHealth>>) =>
  new Map(Object.entries(e).map(([k, v]) => [k, { breaker: 'closed' as const, inFlight: 0, ewmaMs: undefined, ...v }]));

test('plans the group in strategy order, then fallbacks A → B → C, with roles and depths', () => {
  const a = group('a', ['p1/a1', 'p2/a2'], { strategy: 'round-robin', fallbacks: ['b'] });
  const b = group('b', ['p3/b1'], { fallbacks: ['c'] });
  const c = group('c', ['p4/c1']);
  const plan = planAttempts(setup([a, b, c]));
  assert.deepEqual(ids(plan), ['p1/a1', 'p2/a2', 'p3/b1', 'p4/c1']);
  assert.deepEqual(plan.attempts.map((x) => [x.role, x.group, x.depth]), [
    ['primary', 'a', 0],
    ['retry', 'a', 0],
    ['fallback', 'b', 1],
    ['fallback', 'c', 2],
  ]);
  assert.deepEqual(plan.skipped, []);
});

test('explicit fallbacks come before fallbacks of fallbacks (breadth first), within the depth bound', () => {
  const a = group('a', ['p/a'], { fallbacks: ['b', 'c'] });
  const b = group('b', ['p/b'], { fallbacks: ['d'] });
  const c = group('c', ['p/c']);
  const d = group('d', ['p/d']);
  assert.deepEqual(ids(planAttempts(setup([a, b, c, d]))), ['p/a', 'p/b', 'p/c', 'p/d']);
  assert.deepEqual(ids(planAttempts(setup([a, b, c, d], { maxFallbackDepth: 1 }))), ['p/a', 'p/b', 'p/c']);
  assert.deepEqual(ids(planAttempts(setup([a, b, c, d], { maxFallbackDepth: 0 }))), ['p/a']);
});

test('never plans a deployment twice, and stops at maxAttempts, recording what was left out', () => {
  const a = group('a', ['p/x', 'p/y'], { strategy: 'round-robin', fallbacks: ['b'] });
  const b = group('b', ['p/y', 'p/z', 'q/1', 'q/2', 'q/3', 'q/4'], { strategy: 'round-robin' });
  const plan = planAttempts(setup([a, b]));
  assert.deepEqual(ids(plan), ['p/x', 'p/y', 'p/z', 'q/1', 'q/2', 'q/3']);
  assert.deepEqual(plan.skipped.map((s) => [s.deployment, s.kind]), [
    ['p/y', 'duplicate'],
    ['q/4', 'max_attempts'],
  ]);
});

test('a cyclic config cannot loop the planner: each group is visited once', () => {
  const a = group('a', ['p/a'], { fallbacks: ['b'] });
  const b = group('b', ['p/b'], { fallbacks: ['a'] });
  assert.deepEqual(ids(planAttempts(setup([a, b]))), ['p/a', 'p/b']);
});

test('skips open breakers and incapable targets with the reason; half-open ones go last', () => {
  const a = group('a', ['p/open', 'p/half', 'p/ok'], { strategy: 'round-robin', fallbacks: ['b'] });
  const b = group('b', ['text/only', 'vision/yes']);
  const capability = (d: DeploymentRuntime) => (d.provider.name === 'text' ? 'no image input' : undefined);
  const plan = planAttempts(setup([a, b], { health: health({ 'p/open': { breaker: 'open' }, 'p/half': { breaker: 'half_open' } }), capability }));
  assert.deepEqual(ids(plan), ['p/ok', 'p/half', 'vision/yes']);
  assert.deepEqual(plan.attempts.map((x) => x.halfOpen), [false, true, false]);
  assert.deepEqual(plan.skipped, [
    { deployment: 'p/open', group: 'a', kind: 'breaker_open', reason: 'circuit breaker open' },
    { deployment: 'text/only', group: 'b', kind: 'incapable', reason: 'no image input' },
  ]);
});

test('an unknown fallback group is recorded, not fatal', () => {
  const a = group('a', ['p/a'], { fallbacks: ['ghost'] });
  const plan = planAttempts(setup([a]));
  assert.deepEqual(ids(plan), ['p/a']);
  assert.equal(plan.skipped[0]!.kind, 'unknown_group');
});

test('the cost strategy’s latency-budget exclusions are recorded as skipped', () => {
  const a = { ...group('a', ['slow/x', 'fast/y']), strategy: 'cost' } as unknown as PlannableGroup;
  const plan = planAttempts(setup([a], { health: health({ 'slow/x': { ewmaMs: 5000 }, 'fast/y': { ewmaMs: 100 } }), hints: { maxLatencyMs: 1000 } }));
  assert.deepEqual(ids(plan), ['fast/y']);
  assert.equal(plan.skipped[0]!.kind, 'over_latency_budget');
});

test('affinity pins the same first choice for a key and yields to health and headroom', () => {
  const a = group('a', ['p/1', 'p/2', 'p/3', 'p/4'], { strategy: 'round-robin' });
  const key = affinityKey({ messages: [], user: 'conversation-42' })!;
  const firsts = new Set<string>();
  const input = setup([a], { affinityKey: key });
  for (let i = 0; i < 8; i++) firsts.add(planAttempts(input).attempts[0]!.deployment.id);
  assert.equal(firsts.size, 1, 'round-robin does not move a pinned key');
  const pinned = [...firsts][0]!;
  const first = planAttempts(input).attempts[0]!;
  assert.equal(first.affinity, true);

  const down = planAttempts({ ...input, health: health({ [pinned]: { breaker: 'open' } }) });
  assert.notEqual(down.attempts[0]!.deployment.id, pinned);
  const busy = planAttempts({ ...input, health: health({ [pinned]: { headroom: false } }) });
  assert.notEqual(busy.attempts[0]!.deployment.id, pinned);
  assert.ok(ids(busy).includes(pinned), 'still a later attempt');
  const half = planAttempts({ ...input, health: health({ [pinned]: { breaker: 'half_open' } }) });
  assert.notEqual(half.attempts[0]!.deployment.id, pinned, 'a half-open deployment is not pinned');
});

test('least-busy and least-latency read the health snapshot', () => {
  const lb = { ...group('a', ['p/1', 'p/2']), strategy: 'least-busy' } as unknown as PlannableGroup;
  assert.deepEqual(ids(planAttempts(setup([lb], { health: health({ 'p/1': { inFlight: 9 }, 'p/2': { inFlight: 1 } }) }))), ['p/2', 'p/1']);
  const ll = { ...group('a', ['p/1', 'p/2']), strategy: 'least-latency' } as unknown as PlannableGroup;
  assert.deepEqual(ids(planAttempts(setup([ll], { health: health({ 'p/1': { ewmaMs: 900 }, 'p/2': { ewmaMs: 90 } }) }))), ['p/2', 'p/1']);
});

test('healthSnapshot joins breaker states with the latency tracker', () => {
  const t = new LatencyTracker({ alpha: 1 });
  t.observe('p/1', 50);
  const end = t.begin('p/1');
  const snap = healthSnapshot(['p/1', 'p/2'], (id) => (id === 'p/2' ? 'open' : undefined), t);
  assert.deepEqual(snap.get('p/1'), { breaker: 'closed', inFlight: 1, ewmaMs: 50, headroom: true });
  assert.deepEqual(snap.get('p/2'), { breaker: 'open', inFlight: 0, ewmaMs: undefined, headroom: true });
  end();
});

test('findFallbackCycle finds direct, self and transitive cycles; acyclic configs pass', () => {
  assert.equal(findFallbackCycle({ a: { fallbacks: ['b'] }, b: { fallbacks: ['c'] }, c: {} }), undefined);
  assert.equal(findFallbackCycle({ a: { fallbacks: ['b', 'c'] }, b: { fallbacks: ['c'] }, c: {} }), undefined, 'a diamond is not a cycle');
  assert.deepEqual(findFallbackCycle({ a: { fallbacks: ['a'] } }), ['a', 'a']);
  assert.deepEqual(findFallbackCycle({ x: { fallbacks: ['a'] }, a: { fallbacks: ['b'] }, b: { fallbacks: ['c'] }, c: { fallbacks: ['a'] } }), ['a', 'b', 'c', 'a']);
  assert.equal(findFallbackCycle({ a: { fallbacks: ['missing'] } }), undefined);
});
