// Circuit-breaker part of the CounterStore conformance suite (issue 4, FAILURE-MODES R2).
// Registered by counterStoreConformance; not run on its own.

import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { BreakerPolicy, CounterStore } from './counter-store.js';

const BREAKER: BreakerPolicy = { failureThreshold: 3, cooldownMs: 10_000, halfOpenProbes: 1, probeTimeoutMs: 5_000 };

/** `get` is called inside each test, after the suite's before() opened the stores. */
export function breakerConformance(get: () => { readonly store: CounterStore; readonly replicas: readonly CounterStore[] }): void {
  describe('circuit breakers', () => {
    it('opens after consecutive failures; a success resets the count', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      assert.deepEqual(await store.breakerState(d, T), { state: 'closed', openUntil: null, consecutiveFailures: 0 });
      await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T });
      await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T + 1 });
      await store.recordOutcome({ deployment: d, ok: true, policy: BREAKER, now: T + 2 });
      for (let i = 0; i < 2; i++) await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T + 3 + i });
      assert.equal((await store.breakerState(d, T + 5)).state, 'closed');
      const open = await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T + 5 });
      assert.deepEqual(open, { state: 'open', openUntil: T + 5 + 10_000, consecutiveFailures: 3 });
      assert.deepEqual(await store.breakerAdmit(d, BREAKER, T + 6), { allowed: false, state: 'open', probe: false, retryAfterMs: 9_999 });
    });

    it('R2: a later failure can lengthen the cooldown, never shorten it', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 1, cooldownMs: 10_000 };
      assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T })).openUntil, T + 10_000);
      // A 429 with a short cooldown arrives later: no shorter.
      const short = await store.recordOutcome({ deployment: d, ok: false, policy: { ...p, cooldownMs: 1_000 }, now: T + 1_000 });
      assert.equal(short.openUntil, T + 10_000);
      // A failure with a long Retry-After: longer.
      const long = await store.recordOutcome({ deployment: d, ok: false, policy: p, cooldownMs: 30_000, now: T + 2_000 });
      assert.equal(long.openUntil, T + 32_000);
      // A straggler's success while open does not end the cooldown.
      const straggler = await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T + 3_000 });
      assert.deepEqual([straggler.state, straggler.openUntil], ['open', T + 32_000]);
      assert.equal((await store.breakerState(d, T + 31_999)).state, 'open');
      assert.equal((await store.breakerState(d, T + 32_000)).state, 'half_open');
    });

    it('R2: a long Retry-After reported before the threshold is kept when the breaker opens', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, cooldownMs: 60_000, now: T });
      await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T + 1 });
      const open = await store.recordOutcome({ deployment: d, ok: false, policy: BREAKER, now: T + 2 });
      assert.deepEqual(open, { state: 'open', openUntil: T + 60_000, consecutiveFailures: 3 });
      // A success ends a streak: its deadlines do not carry into the next one.
      const e = `dep-${randomUUID()}`;
      await store.recordOutcome({ deployment: e, ok: false, policy: BREAKER, cooldownMs: 60_000, now: T });
      await store.recordOutcome({ deployment: e, ok: true, policy: BREAKER, now: T + 1 });
      for (let i = 0; i < 3; i++) await store.recordOutcome({ deployment: e, ok: false, policy: BREAKER, now: T + 2 + i });
      assert.equal((await store.breakerState(e, T + 4)).openUntil, T + 4 + 10_000);
    });

    it('half-open lets a bounded number of probes through; success closes, failure re-opens', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 1, cooldownMs: 1_000, halfOpenProbes: 1, probeTimeoutMs: 500 };
      await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T });
      assert.deepEqual(await store.breakerAdmit(d, p, T + 1_000), { allowed: true, state: 'half_open', probe: true, retryAfterMs: null });
      assert.deepEqual(await store.breakerAdmit(d, p, T + 1_100), { allowed: false, state: 'half_open', probe: false, retryAfterMs: 400 });
      // The probe never reported: after probeTimeoutMs another may go.
      assert.equal((await store.breakerAdmit(d, p, T + 1_500)).probe, true);
      const reopened = await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 1_600 });
      assert.deepEqual([reopened.state, reopened.openUntil], ['open', T + 2_600]);
      assert.equal((await store.breakerAdmit(d, p, T + 2_600)).probe, true);
      const closed = await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T + 2_700 });
      assert.deepEqual(closed, { state: 'closed', openUntil: T + 2_600, consecutiveFailures: 0 });
      assert.deepEqual(await store.breakerAdmit(d, p, T + 2_701), { allowed: true, state: 'closed', probe: false, retryAfterMs: null });
    });

    it('opens on a failure ratio within a window', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 100, cooldownMs: 1_000, failureRate: { ratio: 0.5, minRequests: 4, windowMs: 10_000 } };
      const outcomes = [true, false, true];
      for (const [i, ok] of outcomes.entries()) await store.recordOutcome({ deployment: d, ok, policy: p, now: T + i });
      assert.equal((await store.breakerState(d, T + 3)).state, 'closed');
      assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 3 })).state, 'open');
    });

    it('a failure rate counts only its own window and never opens below min_requests', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 100, cooldownMs: 1_000, failureRate: { ratio: 0.5, minRequests: 4, windowMs: 1_000 } };
      // Three failures: 100 %, but fewer than min_requests.
      for (let i = 0; i < 3; i++) assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + i })).state, 'closed');
      // The window has passed: those three are forgotten, a new window starts.
      for (let i = 0; i < 3; i++) assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 1_000 + i })).state, 'closed');
      // A success never trips it (and resets the consecutive count) ...
      assert.equal((await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T + 1_003 })).state, 'closed');
      // ... but 4 of 5 in this window failed: the next failure opens it, far below 100 in a row.
      const open = await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 1_004 });
      assert.deepEqual(open, { state: 'open', openUntil: T + 1_004 + 1_000, consecutiveFailures: 1 });
    });

    it('R2: a breaker opened by its failure rate only ever lengthens its cooldown', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 100, cooldownMs: 1_000, failureRate: { ratio: 0.5, minRequests: 2, windowMs: 60_000 } };
      await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T });
      const open = await store.recordOutcome({ deployment: d, ok: false, policy: p, cooldownMs: 30_000, now: T + 1 });
      assert.deepEqual([open.state, open.openUntil], ['open', T + 30_001]);
      // A later failure with the default (shorter) cooldown, and a straggler's success: no shorter.
      assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 10 })).openUntil, T + 30_001);
      assert.equal((await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T + 11 })).openUntil, T + 30_001);
      assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, cooldownMs: 45_000, now: T + 12 })).openUntil, T + 45_012);
    });

    it('a probe that succeeds after a rate trip closes the breaker with a fresh window', async () => {
      const { store } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 100, cooldownMs: 1_000, failureRate: { ratio: 0.5, minRequests: 4, windowMs: 60_000 } };
      for (let i = 0; i < 4; i++) await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + i });
      assert.equal((await store.breakerState(d, T + 4)).state, 'open');
      assert.equal((await store.breakerAdmit(d, p, T + 1_003)).probe, true);
      assert.equal((await store.recordOutcome({ deployment: d, ok: true, policy: p, now: T + 1_004 })).state, 'closed');
      // The old window's failures do not count again: three new failures are below min_requests.
      for (let i = 0; i < 3; i++) assert.equal((await store.recordOutcome({ deployment: d, ok: false, policy: p, now: T + 1_005 + i })).state, 'closed');
    });

    it('R2: concurrent failures from every replica open a rate breaker once, with the longest deadline', async () => {
      const { store, replicas } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const p: BreakerPolicy = { failureThreshold: 1_000, cooldownMs: 1_000, failureRate: { ratio: 0.5, minRequests: 10, windowMs: 60_000 } };
      const cooldowns = Array.from({ length: 50 }, () => randomInt(1_000, 100_000));
      await Promise.all(cooldowns.map((cooldownMs, i) => replicas[i % replicas.length]!.recordOutcome({ deployment: d, ok: false, policy: p, cooldownMs, now: T })));
      assert.deepEqual(await store.breakerState(d, T), { state: 'open', openUntil: T + Math.max(...cooldowns), consecutiveFailures: 50 });
    });

    it('R2: concurrent failures from every replica open once, with the longest deadline', async () => {
      const { store, replicas } = get();
      const d = `dep-${randomUUID()}`;
      const T = Date.now();
      const cooldowns = Array.from({ length: 50 }, () => randomInt(1_000, 100_000));
      await Promise.all(
        cooldowns.map((cooldownMs, i) =>
          replicas[i % replicas.length]!.recordOutcome({ deployment: d, ok: false, policy: BREAKER, cooldownMs, now: T }),
        ),
      );
      const st = await store.breakerState(d, T);
      assert.deepEqual(st, { state: 'open', openUntil: T + Math.max(...cooldowns), consecutiveFailures: 50 });
      const at = T + Math.max(...cooldowns);
      const admits = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % replicas.length]!.breakerAdmit(d, { ...BREAKER, halfOpenProbes: 2 }, at)));
      assert.equal(admits.filter((a) => a.allowed).length, 2);
    });
  });
}
