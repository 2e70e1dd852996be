// M9 across replicas: process-local counters are refused beside any other gateway on the same
// database, and a replica beside one with process-local counters. Real SQLite; time is stepped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceRegistry } from '../storage/instance-registry.js';
import { openStorage } from '../storage/open-storage.js';
import type { Storage } from '../storage/storage.js';
import { joinReplicas, ReplicasNeedSharedStateError, type ReplicaGuardOptions } from './replica-guard.js';

let storage: Storage;
let registry: InstanceRegistry;
before(async () => {
  storage = await openStorage('sqlite::memory:');
  registry = new InstanceRegistry(storage.db);
});
after(async () => storage.close());

const memory = { stateKind: 'memory', sharedState: false } as const;
const redis = { stateKind: 'redis', sharedState: true } as const;
const refused = (err: unknown): boolean => err instanceof ReplicasNeedSharedStateError && err.code === 'replicas_need_shared_state';

function join(o: Partial<ReplicaGuardOptions> & Pick<ReplicaGuardOptions, 'stateKind' | 'sharedState'>) {
  return joinReplicas({ registry, host: 'h1', pid: process.pid, heartbeatMs: 60_000, ...o });
}

test('M9: process-local counters are refused beside another gateway, and a replica beside them', async () => {
  const a = await join({ ...memory, pid: process.pid });
  await assert.rejects(join({ ...memory, host: 'h2', pid: 7 }), (err: unknown) => refused(err) && /1 other gateway instance\(s\).*host h1.*state memory.*redis:\/\//s.test((err as Error).message));
  await assert.rejects(join({ ...redis, host: 'h2', pid: 8 }), (err: unknown) => refused(err) && /keeps its counters in its own process/.test((err as Error).message));
  assert.deepEqual((await registry.alive(0)).map((i) => i.id), [a.id], 'a refused process leaves no row');
  await a.leave();
  const b = await join({ ...redis, host: 'h2', pid: 8 });
  const c = await join({ ...redis, host: 'h3', pid: 9 });
  await assert.rejects(join({ ...memory, host: 'h4', pid: 10 }), refused);
  await b.leave();
  await c.leave();
  const lone = await join(memory);
  await lone.leave();
});

test('a gateway that died stops counting: at once on its own host, after the staleness bound elsewhere', async () => {
  let clock = 1_000_000;
  const now = () => clock;
  // Registered by a process on this host that has since died (its pid is not running).
  await registry.register({ id: 'gw_dead', host: 'h1', pid: 999_999, stateKind: 'memory', sharedState: false, startedAt: clock });
  const a = await join({ ...memory, now, isRunning: (pid) => pid !== 999_999 });
  assert.ok(!(await registry.alive(0)).some((i) => i.id === 'gw_dead'), 'the dead process was forgotten');
  // A process on another host cannot be checked: it counts until its heartbeat is stale.
  clock += 10_000;
  await assert.rejects(join({ ...memory, host: 'h2', pid: 5, now }), refused);
  clock += 6_000;
  const b = await join({ ...memory, host: 'h2', pid: 5, now });
  await b.leave();
  await a.leave();
});

test('the heartbeat keeps a running gateway counted, and re-announces it if its row was removed', async () => {
  const a = await joinReplicas({ registry, ...memory, host: 'h1', heartbeatMs: 20, staleAfterMs: 200 });
  await new Promise((r) => setTimeout(r, 400));
  await assert.rejects(joinReplicas({ registry, ...memory, host: 'h9', pid: 3, staleAfterMs: 200 }), refused);
  await registry.remove([a.id]);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok((await registry.alive(Date.now() - 200)).some((i) => i.id === a.id));
  await a.leave();
  assert.deepEqual(await registry.alive(0), []);
});
