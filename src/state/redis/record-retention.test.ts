// Redis memory must not grow with traffic: a settled reservation record is kept only long enough
// to answer a duplicate settle, while an expired, unsettled one keeps the full retention so a late
// settle can still bill it. (It used to keep every settled record for 24 h: one hash per request.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { SETTLED_RECORD_RETENTION_MS, type CounterStore } from '../counter-store.js';
import { openCounterStore } from '../open-counter-store.js';
import { redisServerUnavailableReason, startRedisServer, type RedisServerProcess } from './redis-server-process.js';

const missing = redisServerUnavailableReason();
if (missing !== null && process.env['CI']) throw new Error(`CI is set but redis-server cannot run: ${missing}`);

let server: RedisServerProcess;
let store: CounterStore;
let raw: Redis;
before(async () => {
  if (missing !== null) return;
  server = await startRedisServer();
  store = await openCounterStore(server.url, { commandTimeoutMs: 2000 });
  raw = new Redis(server.url);
});
after(async () => {
  if (missing !== null) return;
  raw.disconnect();
  await store.close();
  await server.stop();
});

const ttlOf = async (requestId: string): Promise<number> => {
  const [key] = await raw.keys(`*:r:${requestId}`);
  assert.ok(key, `the record of ${requestId} exists`);
  return raw.pttl(key);
};

test('a settled record expires within the settled retention, not the full one', { skip: missing ?? false }, async () => {
  const r = await store.reserve({ org: 'o1', requestId: 'req-settled', costNanos: 10n, tokens: 5, scopes: [{ scope: 'key:k', periodId: 'none' }] });
  assert.ok(r.ok);
  assert.deepEqual(await store.settle(r.reservationId, { costNanos: 7n, tokens: 5 }), { applied: true, afterExpiry: false });
  const ttl = await ttlOf('req-settled');
  assert.ok(ttl > 0 && ttl <= SETTLED_RECORD_RETENTION_MS, `TTL ${ttl} ms`);
  assert.deepEqual(await store.settle(r.reservationId, { costNanos: 7n, tokens: 5 }), { applied: false, reason: 'already_settled' });
});

test('an expired, unsettled record keeps the full retention so a late settle still bills', { skip: missing ?? false }, async () => {
  const now = Date.now();
  const r = await store.reserve({ org: 'o1', requestId: 'req-lapsed', costNanos: 10n, tokens: 5, leaseTtlMs: 1_000, now, scopes: [{ scope: 'key:k', periodId: 'none' }] });
  assert.ok(r.ok);
  await store.getUsage('o1', 'key:k', 'none', now + 2_000); // reaps the lapsed lease
  assert.ok((await ttlOf('req-lapsed')) > SETTLED_RECORD_RETENTION_MS);
});
