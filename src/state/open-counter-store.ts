// Builds the CounterStore named by a URL:
//   memory://                          one process (shared = false)
//   redis://[user:pass@]host:port[/db]  Redis, shared by every replica
//   rediss://…                         the same over TLS
// With `cluster: true` a redis(s) URL names one seed node of a Redis Cluster.
// Startup checks `store.shared` before running several workers or replicas (M9).

import type { CounterStore } from './counter-store.js';
import { MemoryCounterStore } from './memory/memory-counter-store.js';

export interface CounterStoreOptions {
  /** Reservation lease; a dead replica's reservations are given back after this (default 10 min). */
  readonly leaseTtlMs?: number;
  /** How long settled/expired reservations are remembered for idempotency and late settles (24 h). */
  readonly recordRetentionMs?: number;
  /** Redis only: per-command timeout (default 250 ms). */
  readonly commandTimeoutMs?: number;
  /** Redis only: how long open waits for the first connection, and the socket connect timeout. */
  readonly connectTimeoutMs?: number;
  /** Redis only: key prefix (default `tg`). */
  readonly keyPrefix?: string;
  /** Redis only: the URL is a seed node of a Redis Cluster. */
  readonly cluster?: boolean;
  /** Redis only: told when maxmemory-policy cannot be read (a server that may evict is refused). */
  readonly onWarning?: (message: string) => void;
}

export async function openCounterStore(url: string, opts: CounterStoreOptions = {}): Promise<CounterStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      if (url.length > 'memory://'.length) throw new RangeError(`memory:// takes no host or path, got ${url}`);
      return new MemoryCounterStore(opts);
    case 'redis':
    case 'rediss': {
      // Loaded only when configured: ioredis is tens of MB of a process that never uses it.
      const { openRedisCounterStore } = await import('./redis/open-redis-store.js');
      return openRedisCounterStore(url, opts);
    }
    default:
      // Never echo the URL: it may carry a password.
      throw new RangeError(`Unsupported counter store URL scheme '${scheme ?? ''}': use memory://, redis:// or rediss://`);
  }
}
