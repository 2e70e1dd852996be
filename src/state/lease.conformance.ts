// Settlement and leases part of the CounterStore conformance suite: idempotent settle (M4),
// reservation ids, and leases that expire instead of leaking when a replica dies. Registered by
// counterStoreConformance; not run on its own.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ReservationConflictError } from './counter-store.js';
import { reservationIdFor } from './reserve-request.js';
import { admitted, orgId, req, type StoresOf } from './conformance-support.js';

export function leaseConformance(get: StoresOf): void {
  describe('settlement and leases', () => {
    it('M4: settle and release are idempotent per reservation', async () => {
      const { store, replicas } = get();
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
      const { store } = get();
      const org = orgId();
      const requestId = `req/{odd}:${randomUUID()}`;
      const r = await store.reserve(req(org, [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }], { requestId }));
      assert.equal(admitted(r), reservationIdFor(org, requestId));
      assert.equal((await store.release(reservationIdFor(org, requestId))).applied, true);
      assert.equal((await store.getUsage(org, 'key:k1', 'none')).inFlight, 0);
    });

    it('refuses to reuse a request id', async () => {
      const { store } = get();
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
      const { store } = get();
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
      const { store } = get();
      const org = orgId();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }];
      admitted(await store.reserve(req(org, s, { costNanos: 5n, leaseTtlMs: 100 })));
      await new Promise((r) => setTimeout(r, 250));
      const u = await store.getUsage(org, 'key:k1', 'none');
      assert.deepEqual([u.reservedNanos, u.inFlight], [0n, 0]);
      admitted(await store.reserve(req(org, s)));
    });

    it('settling an expired lease still records the spend, once', async () => {
      const { store } = get();
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
      const { store } = get();
      const org = orgId();
      const T = Date.now();
      const s = [{ scope: 'key:k1', periodId: 'none', maxParallel: 1 }];
      const a = admitted(await store.reserve(req(org, s, { costNanos: 100n, leaseTtlMs: 1_000, now: T })));
      assert.deepEqual(await store.settle(a, { costNanos: 90n, tokens: 0 }), { applied: true, afterExpiry: false });
      const u = await store.getUsage(org, 'key:k1', 'none', T + 5_000);
      assert.deepEqual([u.spentNanos, u.reservedNanos, u.inFlight], [90n, 0n, 0]);
    });

  });
}
