import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { StateUnavailableError } from '../core/errors.js';
import { openCounterStore } from './open-counter-store.js';

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 1));
    });
  });
}

test('memory:// opens a process-local store (shared = false, so several workers are refused)', async () => {
  const store = await openCounterStore('memory://');
  assert.deepEqual([store.kind, store.shared], ['memory', false]);
  await store.ping();
  await store.close();
  await assert.rejects(store.ping(), StateUnavailableError);
});

test('refuses unknown schemes without echoing the URL, which may hold a password', async () => {
  await assert.rejects(openCounterStore('postgres://u:hunter2@db/x'), (err: unknown) => {
    assert.ok(err instanceof RangeError);
    assert.ok(!err.message.includes('hunter2'));
    return true;
  });
  await assert.rejects(openCounterStore('memory://somewhere'), RangeError);
  await assert.rejects(openCounterStore('localhost:6379'), RangeError);
});

test('redis:// with nothing listening opens promptly and reports state_unavailable', async () => {
  const started = Date.now();
  const store = await openCounterStore(`redis://127.0.0.1:${await unusedPort()}`, { connectTimeoutMs: 300, commandTimeoutMs: 200 });
  try {
    assert.deepEqual([store.kind, store.shared], ['redis', true]);
    await assert.rejects(store.ping(), (err: unknown) => err instanceof StateUnavailableError && err.code === 'state_unavailable');
    await assert.rejects(
      store.reserve({ org: 'o', requestId: 'r', costNanos: 1n, tokens: 1, scopes: [{ scope: 'key:k', periodId: 'none' }] }),
      StateUnavailableError,
    );
    assert.ok(Date.now() - started < 3_000);
  } finally {
    await store.close();
  }
});
