// One keep-alive connection pool per upstream origin (undici Pool: the lowest-overhead client in
// Node). Pools outlive config reloads; a pool whose origin no config uses any more is closed.
import { Pool } from 'undici';
import type { ProviderRuntime } from '../config/runtime.js';

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();

  get(p: ProviderRuntime): Pool {
    let pool = this.#pools.get(p.origin);
    if (!pool) {
      pool = new Pool(p.origin, {
        connections: p.maxConnections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: { timeout: p.timeouts.connectMs },
      });
      this.#pools.set(p.origin, pool);
    }
    return pool;
  }

  /** Closes pools for origins not in `inUse` (after a reload), letting in-flight requests finish. */
  retainOnly(inUse: ReadonlySet<string>): void {
    for (const [origin, pool] of this.#pools) {
      if (!inUse.has(origin)) {
        this.#pools.delete(origin);
        void pool.close().catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => undefined)));
  }
}
