// The Redis store on a real three-master Redis Cluster runs the same conformance suite: every
// script touches one organisation's keys only, and they share the hash tag {org:<id>}, so each
// script runs on the one node that owns that slot. Without redis-server / redis-cli the suite is
// skipped, visibly — except in CI, where that is a failure.
import { test } from 'node:test';
import { counterStoreConformance } from '../counter-store.conformance.js';
import { openCounterStore } from '../open-counter-store.js';
import { redisClusterUnavailableReason, startRedisCluster } from './redis-cluster-process.js';
import { redisServerUnavailableReason } from './redis-server-process.js';

const missing = redisServerUnavailableReason() ?? redisClusterUnavailableReason();

if (missing !== null && process.env['CI']) {
  test('redis cluster counter store conformance', () => {
    throw new Error(`CI is set but a Redis Cluster cannot run: ${missing}`);
  });
} else if (missing !== null) {
  test('redis cluster counter store conformance', { skip: `SKIPPED: ${missing}` }, () => {});
} else {
  counterStoreConformance({
    name: 'redis cluster',
    shared: true,
    outage: false,
    async start() {
      const cluster = await startRedisCluster();
      return {
        open: (opts) => openCounterStore(cluster.url, { commandTimeoutMs: 2000, cluster: true, ...opts }),
        dispose: () => cluster.stop(),
      };
    },
  });
}
