// The Redis store runs the shared conformance suite against a private redis-server started here.
// Without redis-server the suite is skipped, visibly — except in CI, where that is a failure.
import { test } from 'node:test';
import { counterStoreConformance } from '../counter-store.conformance.js';
import { openCounterStore } from '../open-counter-store.js';
import { redisServerUnavailableReason, startRedisServer } from './redis-server-process.js';

const missing = redisServerUnavailableReason();

if (missing !== null && process.env['CI']) {
  test('redis counter store conformance', () => {
    throw new Error(`CI is set but redis-server cannot run: ${missing}`);
  });
} else if (missing !== null) {
  test('redis counter store conformance', { skip: `SKIPPED: ${missing}` }, () => {});
} else {
  counterStoreConformance({
    name: 'redis',
    shared: true,
    outage: true,
    async start() {
      const server = await startRedisServer();
      return {
        // Generous by default: CI machines are busy; the outage tests pass their own short timeout.
        open: (opts) => openCounterStore(server.url, { commandTimeoutMs: 2000, ...opts }),
        outage: { pause: () => server.pause(), resume: () => server.resume(), kill: () => server.stop() },
        dispose: () => server.stop(),
      };
    },
  });
}
