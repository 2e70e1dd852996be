// The Redis store refuses a server that may evict its keys (maxmemory-policy other than
// noeviction): at start, and again after any reconnection. Real redis-servers, one per case.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { StateUnavailableError } from '../../core/errors.js';
import { openCounterStore } from '../open-counter-store.js';
import { StateMisconfiguredError } from './eviction-policy.js';
import { redisServerUnavailableReason, startRedisServer, type RedisServerProcess } from './redis-server-process.js';

const missing = redisServerUnavailableReason();
if (missing !== null && process.env['CI']) throw new Error(`CI is set but redis-server cannot run: ${missing}`);
const skip = missing ?? false;

const servers: RedisServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});
const start = async (...args: string[]) => {
  const s = await startRedisServer(args);
  servers.push(s);
  return s;
};

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('M4: a Redis that may evict budget counters is refused at start, with the fix in the message', { skip }, async () => {
  const s = await start('--maxmemory-policy', 'allkeys-lru');
  await assert.rejects(openCounterStore(s.url), (err: unknown) => {
    assert.ok(err instanceof StateMisconfiguredError);
    assert.equal(err.code, 'state_misconfigured');
    assert.match(err.message, /maxmemory-policy allkeys-lru/);
    assert.match(err.message, /CONFIG SET maxmemory-policy noeviction/);
    return true;
  });
});

test('a Redis whose CONFIG command is disabled is used, with a warning', { skip }, async () => {
  const s = await start('--rename-command', 'CONFIG', '');
  const warnings: string[] = [];
  const store = await openCounterStore(s.url, { onWarning: (m) => warnings.push(m) });
  try {
    await store.ping();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Cannot read Redis maxmemory-policy/);
    const r = await store.reserve({ org: 'o', requestId: 'r1', costNanos: 1n, tokens: 0, scopes: [{ scope: 'key:k', periodId: 'none', budgetNanos: 10n }] });
    assert.equal(r.ok, true);
  } finally {
    await store.close();
  }
});

test('a policy changed behind its back is caught at the next reconnection, and fixing it recovers', { skip }, async () => {
  const s = await start();
  const store = await openCounterStore(s.url, { onWarning: () => undefined });
  const admin = new Redis(s.url);
  const scopes = [{ scope: 'key:k', periodId: 'none' }];
  try {
    await store.ping();
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    // Drops the store's connection (not this one): it reconnects and checks again.
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await until('the store to refuse', async () => store.ping().then(() => false, (err: unknown) => err instanceof StateUnavailableError && /volatile-lru/.test(err.message)));
    await assert.rejects(store.reserve({ org: 'o', requestId: 'r2', costNanos: 0n, tokens: 0, scopes }), StateUnavailableError);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await until('the store to recover', async () => store.ping().then(() => true, () => false));
    assert.equal((await store.reserve({ org: 'o', requestId: 'r3', costNanos: 0n, tokens: 0, scopes })).ok, true);
  } finally {
    admin.disconnect();
    await store.close();
  }
});
