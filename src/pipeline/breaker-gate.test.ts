import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.js';
import { Metrics } from '../telemetry/metrics.js';
import { BreakerGate } from './breaker-gate.js';
import type { DeploymentRuntime } from '../config/runtime.js';

const deployment = (id: string): DeploymentRuntime =>
  ({ id, provider: { breaker: { failureThreshold: 2, cooldownMs: 30_000 } } }) as unknown as DeploymentRuntime;

function logs(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const dest = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, dest), lines };
}

test('an unreachable breaker store lets the call through, loudly: a metric per call and a throttled log line', async () => {
  const store = new MemoryCounterStore();
  await store.close(); // every call now fails as an unreachable store would
  const metrics = new Metrics({ defaultMetrics: false });
  const { logger, lines } = logs();
  const gate = new BreakerGate(store, metrics, logger);
  const d = deployment('p/m');
  assert.equal(await gate.admit(d), true);
  assert.equal(await gate.admit(d), true);
  await gate.record(d, false);
  const text = await metrics.registry.metrics();
  assert.match(text, /^tollgate_state_degraded_total\{phase="breaker"\} 3$/m);
  await new Promise((r) => setImmediate(r));
  const warned = lines.filter((l) => String(l['msg']).startsWith('breaker state unavailable'));
  assert.equal(warned.length, 1, 'one line per second, not one per call');
  assert.equal(warned[0]!['deployment'], 'p/m');
});

test('a breaker opened in the store is seen by the gate and skips the deployment', async () => {
  const store = new MemoryCounterStore();
  const { logger } = logs();
  const gate = new BreakerGate(store, new Metrics({ defaultMetrics: false }), logger);
  const d = deployment('p/open');
  await gate.record(d, false);
  await gate.record(d, false);
  assert.equal(gate.plannedState('p/open'), 'open');
  assert.equal(await gate.admit(d), false);
});
