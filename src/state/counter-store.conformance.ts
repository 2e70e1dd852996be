// The one conformance suite every CounterStore passes (TESTING.md: one suite per interface).
// An implementation's test file only says how to build it. Tests are named after the
// FAILURE-MODES.md rows they prove. Each test works in its own organisation, so the tests share
// one backend without seeing each other. This file holds the harness, budgets, replicas and
// outages; rate limits, settlement and leases, rolling budgets and breakers have their own parts.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { StateUnavailableError } from '../core/errors.js';
import type { BreakerPolicy, CounterStore, ScopeRequest } from './counter-store.js';
import { breakerConformance } from './breaker.conformance.js';
import { budgetWindowConformance } from './budget-window.conformance.js';
import { admitted, orgId, req } from './conformance-support.js';
import { leaseConformance } from './lease.conformance.js';
import type { CounterStoreOptions } from './open-counter-store.js';
import { rateLimitConformance } from './rate-limit.conformance.js';
import { INT64_MAX } from './reserve-request.js';

export interface ConformanceBackend {
  /** A new store (a new connection, for a shared backend). */
  open(opts?: CounterStoreOptions): Promise<CounterStore>;
  /** Outage hooks, for stores with a remote backend. */
  readonly outage?: {
    /** The server stops answering but keeps its sockets (a hang). */
    pause(): void;
    resume(): void;
    /** The server dies. Runs last. */
    kill(): Promise<void>;
  };
  dispose(): Promise<void>;
}

export interface ConformanceHarness {
  readonly name: string;
  /** Whether two stores from open() see the same counters (two replicas). */
  readonly shared: boolean;
  /** Whether the backend provides `outage` hooks (registers the failure tests). */
  readonly outage: boolean;
  start(): Promise<ConformanceBackend>;
}

const BREAKER: BreakerPolicy = { failureThreshold: 3, cooldownMs: 10_000, halfOpenProbes: 1, probeTimeoutMs: 5_000 };

async function expectUnavailable(p: Promise<unknown>, boundMs: number): Promise<void> {
  const started = Date.now();
  await assert.rejects(p, (err: unknown) => err instanceof StateUnavailableError && err.code === 'state_unavailable');
  assert.ok(Date.now() - started < boundMs, `took ${Date.now() - started} ms to fail`);
}

export function counterStoreConformance(h: ConformanceHarness): void {
  describe(`CounterStore conformance: ${h.name}`, () => {
    let backend: ConformanceBackend;
    let store: CounterStore;
    /** Two stores on the same backend when it is shared (two replicas), else just one. */
    let replicas: CounterStore[];

    before(async () => {
      backend = await h.start();
      store = await backend.open();
      replicas = h.shared ? [store, await backend.open()] : [store];
    });
    after(async () => {
      for (const s of replicas ?? []) await s.close();
      await backend?.dispose();
    });

    it('reports whether it is shared across processes', async () => {
      assert.equal(store.shared, h.shared);
      await store.ping();
    });

    it('reserves on every scope at once and reports usage', async () => {
      const org = orgId();
      const scopes = ['key:k1', 'user:u1', 'team:t1', 'org:o1', 'model:gpt-4o'].map((scope) => ({ scope, periodId: '2026-11', budgetNanos: 10_000n }));
      const r = await store.reserve(req(org, scopes, { costNanos: 1_234n, tokens: 50 }));
      admitted(r);
      for (const s of scopes) {
        const u = await store.getUsage(org, s.scope, '2026-11');
        assert.deepEqual(u, { spentNanos: 0n, reservedNanos: 1_234n, requests: 1, inFlight: 1, requestsLastMinute: 0, tokensLastMinute: 0 });
      }
      assert.deepEqual(await store.getUsage(org, 'user:nobody', '2026-11'), {
        spentNanos: 0n, reservedNanos: 0n, requests: 0, inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0,
      });
    });

    it('M3: a refusal on the user scope leaves key and team untouched', async () => {
      const org = orgId();
      const p = '2026-11';
      const first = admitted(await store.reserve(req(org, [{ scope: 'user:u1', periodId: p, budgetNanos: 1_000n }], { costNanos: 900n })));
      await store.settle(first, { costNanos: 900n, tokens: 0 });
      const scopes: ScopeRequest[] = [
        { scope: 'key:k1', periodId: p, budgetNanos: 1_000_000n, rpm: 10, tpm: 10_000, maxParallel: 5 },
        { scope: 'user:u1', periodId: p, budgetNanos: 1_000n },
        { scope: 'team:t1', periodId: p, budgetNanos: 1_000_000n, rpm: 10, tpm: 10_000, maxParallel: 5 },
      ];
      const r = await store.reserve(req(org, scopes, { costNanos: 200n, tokens: 100 }));
      assert.deepEqual(r, { ok: false, scope: 'user:u1', limit: 'budget', limitValue: 1_000n, current: 900n, requested: 200n, retryAfterMs: null });
      for (const scope of ['key:k1', 'team:t1']) {
        assert.deepEqual(await store.getUsage(org, scope, p), {
          spentNanos: 0n, reservedNanos: 0n, requests: 0, inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0,
        });
      }
      // A non-budget refusal on the last scope also leaves the earlier scopes untouched.
      const r2 = await store.reserve(req(org, [scopes[0]!, { scope: 'end_user:e1', periodId: p, maxParallel: 0 }], { tokens: 5 }));
      assert.equal(r2.ok, false);
      assert.equal(!r2.ok && r2.limit, 'concurrency');
      const k = await store.getUsage(org, 'key:k1', p);
      assert.deepEqual([k.requests, k.inFlight, k.requestsLastMinute, k.tokensLastMinute], [0, 0, 0, 0]);
    });

    it('admits a budget exactly up to its limit, and settle replaces the reservation', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none', budgetNanos: 1_000n }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 600n })));
      admitted(await store.reserve(req(org, s, { costNanos: 400n })));
      const refused = await store.reserve(req(org, s, { costNanos: 1n }));
      assert.deepEqual(refused, { ok: false, scope: 'key:k1', limit: 'budget', limitValue: 1_000n, current: 1_000n, requested: 1n, retryAfterMs: null });
      assert.deepEqual(await store.settle(a, { costNanos: 100n, tokens: 0 }), { applied: true, afterExpiry: false });
      const u = await store.getUsage(org, 'key:k1', 'none');
      assert.equal(u.spentNanos, 100n);
      assert.equal(u.reservedNanos, 400n);
      admitted(await store.reserve(req(org, s, { costNanos: 500n })));
      assert.equal((await store.reserve(req(org, s, { costNanos: 1n }))).ok, false);
    });

    it('keeps each budget period separate and bills the period of admission', async () => {
      const org = orgId();
      const nov = admitted(await store.reserve(req(org, [{ scope: 'key:k1', periodId: '2026-11', budgetNanos: 100n }], { costNanos: 100n })));
      admitted(await store.reserve(req(org, [{ scope: 'key:k1', periodId: '2026-12', budgetNanos: 100n }], { costNanos: 100n })));
      await store.settle(nov, { costNanos: 80n, tokens: 0 });
      assert.equal((await store.getUsage(org, 'key:k1', '2026-11')).spentNanos, 80n);
      assert.equal((await store.getUsage(org, 'key:k1', '2026-12')).reservedNanos, 100n);
    });

    it('keeps money exact past 2^53 and never lets a counter pass int64', async () => {
      const org = orgId();
      const limit = 9_000_000_000_000_000_001n;
      const s = [{ scope: 'org:o1', periodId: 'none', budgetNanos: limit }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 4_500_000_000_000_000_000n })));
      admitted(await store.reserve(req(org, s, { costNanos: 4_500_000_000_000_000_001n })));
      const r = await store.reserve(req(org, s, { costNanos: 1n }));
      assert.equal(!r.ok && r.current, limit);
      await store.settle(a, { costNanos: 4_499_999_999_999_999_999n, tokens: 0 });
      const u = await store.getUsage(org, 'org:o1', 'none');
      assert.equal(u.spentNanos, 4_499_999_999_999_999_999n);
      assert.equal(u.reservedNanos, 4_500_000_000_000_000_001n);
      admitted(await store.reserve(req(org, s, { costNanos: 1n })));
      // Without a budget, the counter still may not overflow what Redis can hold.
      const unl = [{ scope: 'model:m', periodId: 'none' }];
      const huge = admitted(await store.reserve(req(org, unl, { costNanos: INT64_MAX - 5n })));
      const over = await store.reserve(req(org, unl, { costNanos: 6n }));
      assert.equal(!over.ok && over.limit, 'budget');
      assert.equal(!over.ok && over.limitValue, INT64_MAX);
      await store.settle(huge, { costNanos: INT64_MAX - 5n, tokens: 0 });
      // A settle that would overflow is refused whole: no scope is half-written.
      const both = admitted(await store.reserve(req(org, [{ scope: 'team:t', periodId: 'none' }, ...unl])));
      await assert.rejects(store.settle(both, { costNanos: 10n, tokens: 0 }), RangeError);
      assert.equal((await store.getUsage(org, 'team:t', 'none')).spentNanos, 0n);
      assert.equal((await store.getUsage(org, 'model:m', 'none')).spentNanos, INT64_MAX - 5n);
      assert.equal((await store.release(both)).applied, true);
    });

    it('M4: 500 concurrent reserves of random amounts never pass the budget', async () => {
      const org = orgId();
      // Amounts above 2^53 nanos in total: exactness is not an accident of float range.
      const limit = 1_000_000_000_000_000_007n;
      const s = [
        { scope: 'key:k1', periodId: '2026-11', budgetNanos: limit },
        { scope: 'team:t1', periodId: '2026-11', budgetNanos: limit * 5n },
      ];
      const amounts = Array.from({ length: 500 }, () => BigInt(randomInt(1, 1_000_000)) * 10_000_000_000n + BigInt(randomInt(0, 1000)));
      const results = await Promise.all(amounts.map((costNanos, i) => replicas[i % replicas.length]!.reserve(req(org, s, { costNanos }))));
      let total = 0n;
      results.forEach((r, i) => {
        if (r.ok) total += amounts[i]!;
      });
      assert.ok(total <= limit, `admitted ${total} > ${limit}`);
      assert.ok(results.some((r) => !r.ok) && results.some((r) => r.ok));
      results.forEach((r, i) => {
        if (r.ok) return;
        assert.equal(r.limit, 'budget');
        assert.equal(r.scope, 'key:k1');
        assert.ok(typeof r.current === 'bigint' && r.current + amounts[i]! > limit && r.current <= total);
        // Reservations only grew, so it would not fit now either.
        assert.ok(amounts[i]! > limit - total);
      });
      const u = await store.getUsage(org, 'key:k1', '2026-11');
      assert.equal(u.reservedNanos, total);
      assert.equal(u.requests, results.filter((r) => r.ok).length);
    });

    it('M4/M9: concurrent reserve → settle across replicas adds exactly the actual spend', async () => {
      const org = orgId();
      const s = [{ scope: 'user:u1', periodId: 'none', budgetNanos: 10n ** 15n, maxParallel: 1_000 }];
      let expected = 0n;
      await Promise.all(
        Array.from({ length: 300 }, async (_, i) => {
          const r = await replicas[i % replicas.length]!.reserve(req(org, s, { costNanos: 5_000_000n, tokens: 10 }));
          const id = admitted(r);
          const actual = BigInt(randomInt(0, 5_000_000));
          expected += actual;
          // Settled from the other replica, twice: the second must change nothing.
          const other = replicas[(i + 1) % replicas.length]!;
          const [x, y] = await Promise.all([other.settle(id, { costNanos: actual, tokens: 7 }), store.settle(id, { costNanos: actual, tokens: 7 })]);
          assert.equal([x, y].filter((v) => v.applied).length, 1);
        }),
      );
      const u = await store.getUsage(org, 'user:u1', 'none');
      assert.deepEqual([u.spentNanos, u.reservedNanos, u.inFlight, u.requests], [expected, 0n, 0, 300]);
    });

    rateLimitConformance(() => ({ store, replicas }));
    leaseConformance(() => ({ store, replicas }));

    it('rejects malformed input before touching any counter', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none' }];
      await assert.rejects(store.reserve(req(org, s, { costNanos: -1n })), RangeError);
      await assert.rejects(store.reserve(req(org, s, { tokens: 1.5 })), RangeError);
      await assert.rejects(store.reserve(req(org, [s[0]!, s[0]!])), RangeError);
      await assert.rejects(store.reserve(req(org, [])), RangeError);
      await assert.rejects(store.settle('not-an-id', { costNanos: 1n, tokens: 0 }), RangeError);
      assert.equal((await store.getUsage(org, 'key:k1', 'none')).requests, 0);
    });

    breakerConformance(() => ({ store, replicas }));
    budgetWindowConformance(() => ({ store, replicas }));

    if (h.shared) {
      it('M9: a second connection (another replica) sees the same counters', async () => {
        const org = orgId();
        const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }];
        const id = admitted(await replicas[0]!.reserve(req(org, s)));
        assert.equal((await replicas[1]!.reserve(req(org, s))).ok, false);
        await replicas[1]!.settle(id, { costNanos: 3n, tokens: 0 });
        assert.equal((await replicas[0]!.getUsage(org, 'key:k1', 'none')).spentNanos, 3n);
      });
    }

    if (h.outage) {
      describe('when the backend fails', () => {
        let fast: CounterStore;
        before(async () => {
          fast = await backend.open({ commandTimeoutMs: 200 });
        });
        after(async () => {
          await fast?.close();
        });

        it('a hung server fails calls with state_unavailable promptly, and recovers', async () => {
          const outage = backend.outage;
          assert.ok(outage, 'the harness promised outage hooks');
          outage.pause();
          try {
            await expectUnavailable(fast.reserve(req(orgId(), [{ scope: 'key:k1', periodId: 'none' }])), 2_000);
            await expectUnavailable(fast.ping(), 2_000);
          } finally {
            outage.resume();
          }
          const deadline = Date.now() + 5_000;
          for (;;) {
            try {
              await fast.ping();
              break;
            } catch (err) {
              if (Date.now() > deadline) throw err;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          admitted(await fast.reserve(req(orgId(), [{ scope: 'key:k1', periodId: 'none' }])));
        });

        it('a dead server fails every operation with state_unavailable promptly', async () => {
          const org = orgId();
          const id = admitted(await fast.reserve(req(org, [{ scope: 'key:k1', periodId: 'none' }])));
          assert.ok(backend.outage, 'the harness promised outage hooks');
          await backend.outage.kill();
          await expectUnavailable(fast.reserve(req(org, [{ scope: 'key:k1', periodId: 'none' }])), 2_000);
          await expectUnavailable(fast.settle(id, { costNanos: 1n, tokens: 0 }), 2_000);
          await expectUnavailable(fast.release(id), 2_000);
          await expectUnavailable(fast.getUsage(org, 'key:k1', 'none'), 2_000);
          await expectUnavailable(fast.recordOutcome({ deployment: 'd', ok: false, policy: BREAKER }), 2_000);
          await expectUnavailable(fast.breakerState('d'), 2_000);
          await expectUnavailable(fast.breakerAdmit('d', BREAKER), 2_000);
          await expectUnavailable(fast.ping(), 2_000);
          // A store opened while the server is down does not hang either.
          const late = await backend.open({ commandTimeoutMs: 200, connectTimeoutMs: 300 });
          try {
            await expectUnavailable(late.reserve(req(org, [{ scope: 'key:k1', periodId: 'none' }])), 2_000);
          } finally {
            await late.close();
          }
        });
      });
    }
  });
}
