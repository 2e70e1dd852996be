// The one conformance suite every CounterStore passes (TESTING.md: one suite per interface).
// An implementation's test file only says how to build it. Tests are named after the
// FAILURE-MODES.md rows they prove. Each test works in its own organisation, so the tests share
// one backend without seeing each other.

import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { StateUnavailableError } from '../core/errors.js';
import {
  RATE_WINDOW_MS,
  RETRY_SCAN_LIMIT,
  ReservationConflictError,
  type BreakerPolicy,
  type CounterStore,
  type ReserveRequest,
  type ReserveResult,
  type ScopeRequest,
} from './counter-store.js';
import { breakerConformance } from './breaker.conformance.js';
import { budgetWindowConformance } from './budget-window.conformance.js';
import type { CounterStoreOptions } from './open-counter-store.js';
import { INT64_MAX, reservationIdFor } from './reserve-request.js';

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

function orgId(): string {
  return `org-${randomUUID()}`;
}

function req(org: string, scopes: ScopeRequest[], over: Partial<ReserveRequest> = {}): ReserveRequest {
  return { org, requestId: randomUUID(), costNanos: 0n, tokens: 0, scopes, ...over };
}

function admitted(r: ReserveResult): string {
  assert.equal(r.ok, true, `expected admission, got ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return r.ok ? r.reservationId : '';
}

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

    it('RPM is exact over a sliding 60 s window, and released requests still count', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', rpm: 3 }];
      const a = admitted(await store.reserve(req(org, s, { now: T })));
      admitted(await store.reserve(req(org, s, { now: T + 10_000 })));
      admitted(await store.reserve(req(org, s, { now: T + 20_000 })));
      await store.release(a);
      assert.deepEqual(await store.reserve(req(org, s, { now: T + 30_000 })), {
        ok: false, scope: 'key:k1', limit: 'rpm', limitValue: 3, current: 3, requested: 1, retryAfterMs: 30_000,
      });
      const late = await store.reserve(req(org, s, { now: T + RATE_WINDOW_MS - 1 }));
      assert.equal(!late.ok && late.retryAfterMs, 1);
      admitted(await store.reserve(req(org, s, { now: T + RATE_WINDOW_MS })));
      const again = await store.reserve(req(org, s, { now: T + RATE_WINDOW_MS + 1 }));
      assert.equal(!again.ok && again.retryAfterMs, 10_000 - 1);
      assert.equal((await store.getUsage(org, 'key:k1', 'none', T + RATE_WINDOW_MS + 1)).requestsLastMinute, 3);
    });

    it('RPM is exact under a concurrent burst', async () => {
      const org = orgId();
      const s = [{ scope: 'model:gpt-4o', periodId: 'none', rpm: 7 }];
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => replicas[i % replicas.length]!.reserve(req(org, s))));
      assert.equal(results.filter((r) => r.ok).length, 7);
      for (const r of results) if (!r.ok) assert.ok(r.limit === 'rpm' && r.retryAfterMs !== null && r.retryAfterMs > 0 && r.retryAfterMs <= RATE_WINDOW_MS);
    });

    it('M5: TPM reserved at admission is corrected at settlement', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', tpm: 1_000 }];
      const a = admitted(await store.reserve(req(org, s, { tokens: 800, now: T })));
      assert.deepEqual(await store.reserve(req(org, s, { tokens: 300, now: T + 1 })), {
        ok: false, scope: 'key:k1', limit: 'tpm', limitValue: 1_000, current: 800, requested: 300, retryAfterMs: RATE_WINDOW_MS - 1,
      });
      await store.settle(a, { costNanos: 0n, tokens: 100 });
      const b = admitted(await store.reserve(req(org, s, { tokens: 300, now: T + 2 })));
      assert.equal((await store.getUsage(org, 'key:k1', 'none', T + 2)).tokensLastMinute, 400);
      // Usage above the estimate is counted too.
      await store.settle(b, { costNanos: 0n, tokens: 900 });
      assert.equal((await store.getUsage(org, 'key:k1', 'none', T + 3)).tokensLastMinute, 1_000);
      const c = await store.reserve(req(org, s, { tokens: 1, now: T + 3 }));
      assert.equal(!c.ok && c.limit, 'tpm');
      // A request larger than the limit can never fit: no retry hint.
      const huge = await store.reserve(req(org, s, { tokens: 1_001, now: T + 3 }));
      assert.equal(!huge.ok && huge.retryAfterMs, null);
      // The tokens leave with the admission instant: A's 100 at T + 60 s.
      admitted(await store.reserve(req(org, s, { tokens: 100, now: T + RATE_WINDOW_MS })));
    });

    it('bounds the work behind a TPM retry hint (then a lower bound) and keeps RPM hints exact', async () => {
      const org = orgId();
      const T = Date.now();
      const n = RETRY_SCAN_LIMIT + 200;
      const s = [{ scope: 'key:k1', periodId: 'none', tpm: n, rpm: n + 1 }];
      for (let i = 0; i < n; i++) admitted(await store.reserve(req(org, s, { tokens: 1, now: T + i })));
      const tpm = await store.reserve(req(org, s, { tokens: n, now: T + n }));
      assert.equal(!tpm.ok && tpm.limit, 'tpm');
      // Exact would be entry n (T + n - 1); the walk stops at entry RETRY_SCAN_LIMIT.
      assert.equal(!tpm.ok && tpm.retryAfterMs, T + RETRY_SCAN_LIMIT - 1 + RATE_WINDOW_MS - (T + n));
      const rpm = await store.reserve(req(org, [{ scope: 'key:k1', periodId: 'none', rpm: 10 }], { now: T + n }));
      assert.equal(!rpm.ok && rpm.retryAfterMs, T + (n - 10) + RATE_WINDOW_MS - (T + n));
    });

    it('M5: TPM and RPM are separate windows and a TPM refusal counts no request', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', rpm: 100, tpm: 1_000 }];
      for (let i = 0; i < 10; i++) admitted(await store.reserve(req(org, s, { tokens: 50, now: T + i })));
      const r = await store.reserve(req(org, s, { tokens: 600, now: T + 10 }));
      assert.equal(!r.ok && r.limit, 'tpm');
      assert.equal(!r.ok && r.current, 500);
      const u = await store.getUsage(org, 'key:k1', 'none', T + 10);
      assert.deepEqual([u.requestsLastMinute, u.tokensLastMinute, u.requests], [10, 500, 10]);
      admitted(await store.reserve(req(org, s, { tokens: 500, now: T + 11 })));
    });

    it('M2: a simultaneous burst stays within the TPM limit', async () => {
      const org = orgId();
      const s = [{ scope: 'team:t1', periodId: 'none', tpm: 1_000 }];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => replicas[i % replicas.length]!.reserve(req(org, s, { tokens: 100 }))),
      );
      assert.equal(results.filter((r) => r.ok).length, 10);
      assert.equal((await store.getUsage(org, 'team:t1', 'none')).tokensLastMinute, 1_000);
    });

    it('holds concurrency slots until settle or release', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 2 }];
      const a = admitted(await store.reserve(req(org, s)));
      const b = admitted(await store.reserve(req(org, s)));
      assert.deepEqual(await store.reserve(req(org, s)), {
        ok: false, scope: 'key:k1', limit: 'concurrency', limitValue: 2, current: 2, requested: 1, retryAfterMs: null,
      });
      await store.settle(a, { costNanos: 1n, tokens: 1 });
      admitted(await store.reserve(req(org, s)));
      await store.release(b);
      assert.equal((await store.getUsage(org, 'key:k1', 'none')).inFlight, 1);
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % replicas.length]!.reserve(req(org, s))));
      assert.equal(burst.filter((r) => r.ok).length, 1);
    });

    it('M4: settle and release are idempotent per reservation', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none', budgetNanos: 1_000n, maxParallel: 10 }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 100n })));
      assert.deepEqual(await store.settle(a, { costNanos: 42n, tokens: 3 }), { applied: true, afterExpiry: false });
      assert.deepEqual(await store.settle(a, { costNanos: 42n, tokens: 3 }), { applied: false, reason: 'already_settled' });
      assert.deepEqual(await store.release(a), { applied: false, reason: 'already_settled' });
      const b = admitted(await store.reserve(req(org, s, { costNanos: 100n })));
      assert.deepEqual(await store.release(b), { applied: true, afterExpiry: false });
      assert.deepEqual(await store.settle(b, { costNanos: 5n, tokens: 3 }), { applied: false, reason: 'already_settled' });
      const c = admitted(await store.reserve(req(org, s, { costNanos: 100n })));
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % replicas.length]!.settle(c, { costNanos: 7n, tokens: 1 })));
      assert.equal(many.filter((r) => r.applied).length, 1);
      const u = await store.getUsage(org, 'key:k1', 'none');
      assert.deepEqual([u.spentNanos, u.reservedNanos, u.inFlight, u.requests], [49n, 0n, 0, 3]);
      assert.deepEqual(await store.settle(reservationIdFor(org, 'never-reserved'), { costNanos: 1n, tokens: 0 }), { applied: false, reason: 'unknown' });
    });

    it('derives the reservation id from (org, request id), so a timed-out reserve can be released', async () => {
      const org = orgId();
      const requestId = `req/{odd}:${randomUUID()}`;
      const r = await store.reserve(req(org, [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }], { requestId }));
      assert.equal(admitted(r), reservationIdFor(org, requestId));
      assert.equal((await store.release(reservationIdFor(org, requestId))).applied, true);
      assert.equal((await store.getUsage(org, 'key:k1', 'none')).inFlight, 0);
    });

    it('refuses to reuse a request id', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none' }];
      const first = req(org, s, { costNanos: 1n });
      const id = admitted(await store.reserve(first));
      await assert.rejects(store.reserve(first), ReservationConflictError);
      await store.settle(id, { costNanos: 1n, tokens: 0 });
      await assert.rejects(store.reserve(first), ReservationConflictError);
      assert.equal((await store.getUsage(org, 'key:k1', 'none')).requests, 1);
    });

    it('a lapsed lease gives back its budget and concurrency slot', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', budgetNanos: 100n, maxParallel: 1, rpm: 10, tpm: 1_000 }];
      admitted(await store.reserve(req(org, s, { costNanos: 100n, tokens: 10, leaseTtlMs: 1_000, now: T })));
      const during = await store.reserve(req(org, s, { costNanos: 1n, now: T + 999 }));
      assert.equal(!during.ok && during.limit, 'budget');
      // The lease lapses at T + 1000; this reserve reaps it first, then fits.
      admitted(await store.reserve(req(org, s, { costNanos: 100n, tokens: 10, now: T + 1_000 })));
      const u = await store.getUsage(org, 'key:k1', 'none', T + 1_000);
      // RPM/TPM entries stay: the expired request was made.
      assert.deepEqual([u.reservedNanos, u.inFlight, u.requestsLastMinute, u.tokensLastMinute], [100n, 1, 2, 20]);
    });

    it('a lapsed lease expires on the store clock too (no caller-supplied time)', async () => {
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }];
      admitted(await store.reserve(req(org, s, { costNanos: 5n, leaseTtlMs: 100 })));
      await new Promise((r) => setTimeout(r, 250));
      const u = await store.getUsage(org, 'key:k1', 'none');
      assert.deepEqual([u.reservedNanos, u.inFlight], [0n, 0]);
      admitted(await store.reserve(req(org, s)));
    });

    it('settling an expired lease still records the spend, once', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1, tpm: 1_000 }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 100n, tokens: 500, leaseTtlMs: 1_000, now: T })));
      await store.getUsage(org, 'key:k1', 'none', T + 2_000); // reaps
      assert.deepEqual(await store.settle(a, { costNanos: 70n, tokens: 200 }), { applied: true, afterExpiry: true });
      assert.deepEqual(await store.settle(a, { costNanos: 70n, tokens: 200 }), { applied: false, reason: 'already_settled' });
      const u = await store.getUsage(org, 'key:k1', 'none', T + 2_000);
      assert.deepEqual([u.spentNanos, u.reservedNanos, u.inFlight, u.tokensLastMinute], [70n, 0n, 0, 200]);
    });

    it('a lease that lapsed but was not reaped yet settles as live, and is not reaped later', async () => {
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 100n, leaseTtlMs: 1_000, now: T })));
      assert.deepEqual(await store.settle(a, { costNanos: 90n, tokens: 0 }), { applied: true, afterExpiry: false });
      const u = await store.getUsage(org, 'key:k1', 'none', T + 5_000);
      assert.deepEqual([u.spentNanos, u.reservedNanos, u.inFlight], [90n, 0n, 0]);
    });

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
