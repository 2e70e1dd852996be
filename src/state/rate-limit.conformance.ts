// Rate limits part of the CounterStore conformance suite: RPM and TPM sliding windows (M2, M5) and
// concurrency slots. Registered by counterStoreConformance; not run on its own.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RATE_WINDOW_MS, RETRY_SCAN_LIMIT } from './counter-store.js';
import { admitted, orgId, req, type StoresOf } from './conformance-support.js';

export function rateLimitConformance(get: StoresOf): void {
  describe('rate limits', () => {
    it('RPM is exact over a sliding 60 s window, and released requests still count', async () => {
      const { store } = get();
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
      const { replicas } = get();
      const org = orgId();
      const s = [{ scope: 'model:gpt-4o', periodId: 'none', rpm: 7 }];
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => replicas[i % replicas.length]!.reserve(req(org, s))));
      assert.equal(results.filter((r) => r.ok).length, 7);
      for (const r of results) if (!r.ok) assert.ok(r.limit === 'rpm' && r.retryAfterMs !== null && r.retryAfterMs > 0 && r.retryAfterMs <= RATE_WINDOW_MS);
    });

    it('M5: TPM reserved at admission is corrected at settlement', async () => {
      const { store } = get();
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
      const { store } = get();
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
      const { store } = get();
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
      const { store, replicas } = get();
      const org = orgId();
      const s = [{ scope: 'team:t1', periodId: 'none', tpm: 1_000 }];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => replicas[i % replicas.length]!.reserve(req(org, s, { tokens: 100 }))),
      );
      assert.equal(results.filter((r) => r.ok).length, 10);
      assert.equal((await store.getUsage(org, 'team:t1', 'none')).tokensLastMinute, 1_000);
    });

    it('holds concurrency slots until settle or release', async () => {
      const { store, replicas } = get();
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

  });
}
