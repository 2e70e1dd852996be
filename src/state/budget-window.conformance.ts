// Rolling budgets and partial billing: part of the CounterStore conformance suite, registered by
// counterStoreConformance; not run on its own. Time is stepped with `now` (the store's clock).

import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { CounterStore, ReserveRequest, ReserveResult, ScopeRequest } from './counter-store.js';

const HOUR = 3_600_000;
/** A 24 h window in hourly buckets, the current one included. */
const DAY = { bucketMs: HOUR, buckets: 24 };

/** Leases outlive the hours these tests step through. */
function req(org: string, scopes: ScopeRequest[], over: Partial<ReserveRequest> = {}): ReserveRequest {
  return { org, requestId: randomUUID(), costNanos: 0n, tokens: 0, scopes, leaseTtlMs: 72 * HOUR, ...over };
}

function admitted(r: ReserveResult): string {
  assert.equal(r.ok, true, `expected admission, got ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return r.ok ? r.reservationId : '';
}

export function budgetWindowConformance(get: () => { readonly store: CounterStore; readonly replicas: readonly CounterStore[] }): void {
  describe('rolling budgets and partial billing', () => {
    it('a rolling budget counts the spend of the window ending now, bucket by bucket', async () => {
      const { store } = get();
      const org = `org-${randomUUID()}`;
      // Start at the top of an hour, so bucket boundaries are exact.
      const T = Math.floor(Date.now() / HOUR) * HOUR;
      const s: ScopeRequest[] = [{ scope: 'user:u1', periodId: 'r:daily', budgetNanos: 1_000n, window: DAY }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 600n, now: T + 10 })));
      await store.settle(a, { costNanos: 600n, tokens: 0 });
      const b = admitted(await store.reserve(req(org, s, { costNanos: 400n, now: T + 5 * HOUR })));
      assert.deepEqual(await store.reserve(req(org, s, { costNanos: 1n, now: T + 6 * HOUR })), {
        ok: false, scope: 'user:u1', limit: 'budget', limitValue: 1_000n, current: 1_000n, requested: 1n, retryAfterMs: null,
      });
      await store.settle(b, { costNanos: 300n, tokens: 0 });
      const mid = await store.getUsage(org, 'user:u1', 'r:daily', T + 6 * HOUR, DAY);
      assert.deepEqual([mid.spentNanos, mid.reservedNanos, mid.requests], [900n, 0n, 2]);
      // Still inside 24 buckets of the first spend: only 100 fits.
      assert.equal((await store.reserve(req(org, s, { costNanos: 101n, now: T + 24 * HOUR - 1 }))).ok, false);
      // The first bucket has left the window: its 600 no longer counts, the 300 still does.
      const after = await store.getUsage(org, 'user:u1', 'r:daily', T + 24 * HOUR, DAY);
      assert.deepEqual([after.spentNanos, after.requests], [300n, 1]);
      admitted(await store.reserve(req(org, s, { costNanos: 700n, now: T + 24 * HOUR })));
      assert.equal((await store.getUsage(org, 'user:u1', 'r:daily', T + 24 * HOUR, DAY)).reservedNanos, 700n);
      // Settlement bills the bucket of admission, even when it comes later.
      const late = admitted(await store.reserve(req(org, [{ scope: 'user:u2', periodId: 'r:daily', window: DAY }], { costNanos: 50n, now: T + 2 * HOUR })));
      await store.settle(late, { costNanos: 40n, tokens: 0 });
      assert.equal((await store.getUsage(org, 'user:u2', 'r:daily', T + 25 * HOUR, DAY)).spentNanos, 40n);
      assert.equal((await store.getUsage(org, 'user:u2', 'r:daily', T + 26 * HOUR, DAY)).spentNanos, 0n);
    });

    it('M4: a rolling budget is exact under a concurrent burst across replicas', async () => {
      const { store, replicas } = get();
      const org = `org-${randomUUID()}`;
      const T = Math.floor(Date.now() / HOUR) * HOUR;
      // Spend in an earlier bucket of the window counts against the burst.
      const s: ScopeRequest[] = [{ scope: 'team:t1', periodId: 'r:weekly', budgetNanos: 100_000n, window: { bucketMs: 6 * HOUR, buckets: 28 } }];
      const early = admitted(await store.reserve(req(org, s, { costNanos: 30_000n, now: T - 3 * 24 * HOUR })));
      await store.settle(early, { costNanos: 30_000n, tokens: 0 });
      const amounts = Array.from({ length: 200 }, () => BigInt(randomInt(100, 2_000)));
      const results = await Promise.all(amounts.map((costNanos, i) => replicas[i % replicas.length]!.reserve(req(org, s, { costNanos, now: T }))));
      let total = 0n;
      results.forEach((r, i) => {
        if (r.ok) total += amounts[i]!;
      });
      assert.ok(30_000n + total <= 100_000n, `admitted ${total} on top of 30000`);
      assert.ok(results.some((r) => !r.ok));
      const u = await store.getUsage(org, 'team:t1', 'r:weekly', T, { bucketMs: 6 * HOUR, buckets: 28 });
      assert.deepEqual([u.spentNanos, u.reservedNanos], [30_000n, total]);
    });

    it('M3: settle bills only the scopes it names; the others give back their reservation and tokens', async () => {
      const { store } = get();
      const org = `org-${randomUUID()}`;
      const T = Date.now();
      const scopes: ScopeRequest[] = [
        { scope: 'key:k1', periodId: 'none', budgetNanos: 10_000n, tpm: 10_000 },
        { scope: 'model:primary', periodId: 'none', budgetNanos: 10_000n },
        { scope: 'model:fallback', periodId: 'none', budgetNanos: 10_000n, tpm: 10_000 },
        { scope: 'user:u1', periodId: 'r:daily', budgetNanos: 10_000n, window: DAY },
      ];
      const id = admitted(await store.reserve(req(org, scopes, { costNanos: 5_000n, tokens: 500, now: T })));
      assert.deepEqual(await store.settle(id, { costNanos: 1_234n, tokens: 120, scopes: ['key:k1', 'model:primary', 'user:u1', 'provider:not-in-it'] }), { applied: true, afterExpiry: false });
      const u = async (scope: string, window?: typeof DAY) => store.getUsage(org, scope, window ? 'r:daily' : 'none', T + 1, window);
      const key = await u('key:k1');
      assert.deepEqual([key.spentNanos, key.reservedNanos, key.inFlight, key.tokensLastMinute], [1_234n, 0n, 0, 120]);
      assert.equal((await u('model:primary')).spentNanos, 1_234n);
      assert.equal((await u('user:u1', DAY)).spentNanos, 1_234n);
      const fb = await u('model:fallback');
      assert.deepEqual([fb.spentNanos, fb.reservedNanos, fb.inFlight, fb.requests, fb.tokensLastMinute], [0n, 0n, 0, 1, 0]);
      // An empty list bills nothing; no list bills everything.
      const none = admitted(await store.reserve(req(org, scopes, { costNanos: 10n, now: T })));
      await store.settle(none, { costNanos: 10n, tokens: 0, scopes: [] });
      assert.equal((await u('key:k1')).spentNanos, 1_234n);
    });

    it('M10: settle charges a scope its own share when given one (attempts on several deployments)', async () => {
      const { store, replicas } = get();
      const org = `org-${randomUUID()}`;
      const T = Date.now();
      const scopes: ScopeRequest[] = [
        { scope: 'key:k1', periodId: 'none', budgetNanos: 10_000n, tpm: 10_000 },
        { scope: 'model:fallback', periodId: 'none', budgetNanos: 10_000n },
        { scope: 'user:u1', periodId: 'r:daily', budgetNanos: 10_000n, window: DAY },
        { scope: 'model:other', periodId: 'none', budgetNanos: 10_000n },
      ];
      const id = admitted(await store.reserve(req(org, scopes, { costNanos: 5_000n, tokens: 500, now: T })));
      // The key and user pay for both attempts; the fallback group only for its own; model:other is not billed.
      const other = replicas[replicas.length - 1]!;
      assert.deepEqual(
        await other.settle(id, { costNanos: 1_500n, tokens: 90, scopes: ['key:k1', 'model:fallback', 'user:u1'], scopeCosts: { 'model:fallback': 400n, 'model:other': 999n, 'key:absent': 7n } }),
        { applied: true, afterExpiry: false },
      );
      const u = async (scope: string, window?: typeof DAY) => store.getUsage(org, scope, window ? 'r:daily' : 'none', T + 1, window);
      assert.deepEqual([(await u('key:k1')).spentNanos, (await u('key:k1')).tokensLastMinute], [1_500n, 90]);
      assert.equal((await u('user:u1', DAY)).spentNanos, 1_500n);
      assert.deepEqual([(await u('model:fallback')).spentNanos, (await u('model:fallback')).reservedNanos], [400n, 0n]);
      assert.deepEqual([(await u('model:other')).spentNanos, (await u('model:other')).reservedNanos], [0n, 0n]);
      // Without a scope list every scope is billed, still at its own share where one is given.
      const all = admitted(await store.reserve(req(org, scopes, { costNanos: 10n, now: T })));
      await store.settle(all, { costNanos: 10n, tokens: 0, scopeCosts: { 'model:other': 3n } });
      assert.deepEqual([(await u('key:k1')).spentNanos, (await u('model:other')).spentNanos], [1_510n, 3n]);
      await assert.rejects(store.settle(all, { costNanos: 1n, tokens: 0, scopeCosts: { 'key:k1': -1n } }), RangeError);
    });

    it("forgets a period's counters after retainUntil", async () => {
      const { store } = get();
      const org = `org-${randomUUID()}`;
      const T = Date.now();
      const s: ScopeRequest[] = [{ scope: 'end_user:e1', periodId: 'd:old', budgetNanos: 100n, retainUntil: T + 300 }];
      const id = admitted(await store.reserve(req(org, s, { costNanos: 10n, now: T })));
      await store.settle(id, { costNanos: 10n, tokens: 0 });
      assert.equal((await store.getUsage(org, 'end_user:e1', 'd:old', T)).spentNanos, 10n);
      await new Promise((r) => setTimeout(r, 600));
      // Stores forget on their own schedule (Redis: key expiry; memory: a sweep run by a later reserve).
      admitted(await store.reserve(req(org, [{ scope: 'end_user:e2', periodId: 'd:new' }], { now: Date.now() + 120_000 })));
      assert.deepEqual(await store.getUsage(org, 'end_user:e1', 'd:old', Date.now()), {
        spentNanos: 0n, reservedNanos: 0n, requests: 0, inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0,
      });
    });

    it('refuses a malformed window before touching a counter', async () => {
      const { store } = get();
      const org = `org-${randomUUID()}`;
      await assert.rejects(store.reserve(req(org, [{ scope: 'user:u', periodId: 'r', window: { bucketMs: 0, buckets: 24 } }])), RangeError);
      await assert.rejects(store.reserve(req(org, [{ scope: 'user:u', periodId: 'r', window: { bucketMs: HOUR, buckets: 10_000 } }])), RangeError);
      await assert.rejects(store.getUsage(org, 'user:u', 'r', undefined, { bucketMs: HOUR, buckets: 0 }), RangeError);
    });
  });
}
