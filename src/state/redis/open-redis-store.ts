// Opening the Redis store: one client (or Cluster client) with the failure behaviour the store
// relies on — a timeout on every command, no offline queue and no re-send after a reconnect — and
// the eviction-policy check that refuses a server which could silently drop budget counters.

import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from './lua-script.js';
import { RedisCounterStore, type RedisCounterStoreOptions } from './redis-counter-store.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 250;

export async function openRedisCounterStore(url: string, opts: RedisCounterStoreOptions = {}): Promise<RedisCounterStore> {
  const client = createClient(url, opts);
  const store = new RedisCounterStore(client, opts);
  // Give the first connection a moment so requests right after start-up do not fail spuriously;
  // an unreachable server is not fatal here (fail-open may be configured): ping() reports it.
  await waitReady(client, opts.connectTimeoutMs ?? 2_000);
  if (client.status === 'ready') {
    // A server that may evict our counters is refused outright: starting would mean overspend.
    const r = await store.verifyEvictionPolicy().catch(() => undefined);
    if (r?.ok === false) {
      await store.close();
      throw r.error;
    }
  }
  store.watchEvictionPolicy();
  return store;
}

function clientOptions(opts: RedisCounterStoreOptions): RedisOptions {
  return {
    commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    // Fail at once while disconnected instead of queueing behind a dead socket (no hangs), and
    // never re-send a script after a reconnect: it may already have run.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), 1_000),
  };
}

function createClient(url: string, opts: RedisCounterStoreOptions): RedisClient {
  if (!opts.cluster) return new Redis(url, clientOptions(opts));
  const u = new URL(url);
  const redisOptions: RedisOptions = {
    ...clientOptions(opts),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return new Cluster([{ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379) }], {
    redisOptions,
    enableOfflineQueue: false,
    scaleReads: 'master',
  });
}

function waitReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
    client.once('error', done);
  });
}
