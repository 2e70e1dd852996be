// M9: several replicas must share their counters. A gateway whose counters live in its own process
// (memory://) is refused when another gateway already runs against the same database, and a new
// replica is refused while one with process-local counters runs — either way each would count on
// its own, and every limit and budget would be multiplied by the number of replicas. (Several
// workers of one `tollgate start --workers N` are refused earlier, by the CLI.)
//
// Every process registers in the database (storage/instance-registry.ts) and refreshes its row
// every few seconds. A process that died stops counting once its heartbeat is older than
// `staleAfterMs`; on the same host a dead pid is recognised at once, so a crashed single gateway
// restarts without waiting.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { GatewayError } from '../core/errors.js';
import type { GatewayInstance, InstanceRegistry } from '../storage/instance-registry.js';

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 15_000;

/** Another gateway runs against this database and the two would keep separate counters. */
export class ReplicasNeedSharedStateError extends GatewayError {
  constructor(message: string) {
    super('replicas_need_shared_state', 500, message);
  }
}

export interface ReplicaGuardOptions {
  readonly registry: InstanceRegistry;
  /** CounterStore.kind and CounterStore.shared of this process. */
  readonly stateKind: string;
  readonly sharedState: boolean;
  readonly host?: string;
  readonly pid?: number;
  readonly now?: () => number;
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  /** Whether a process with this pid runs on this host (default: signal 0). */
  readonly isRunning?: (pid: number) => boolean;
  /** A heartbeat that failed (the database is down): the row may go stale; logged, never fatal. */
  readonly onError?: (err: unknown) => void;
}

export interface ReplicaMembership {
  readonly id: string;
  /** Stops the heartbeat and removes this process's row. */
  leave(): Promise<void>;
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(i: GatewayInstance): string {
  return `host ${i.host}, pid ${i.pid}, state ${i.stateKind}`;
}

export async function joinReplicas(o: ReplicaGuardOptions): Promise<ReplicaMembership> {
  const now = o.now ?? Date.now;
  const staleAfter = o.staleAfterMs ?? STALE_AFTER_MS;
  const host = o.host ?? hostname();
  const pid = o.pid ?? process.pid;
  const isRunning = o.isRunning ?? pidRunning;
  const self: Omit<GatewayInstance, 'heartbeatAt'> = { id: `gw_${randomBytes(8).toString('hex')}`, host, pid, stateKind: o.stateKind, sharedState: o.sharedState, startedAt: now() };

  await o.registry.removeStale(now() - staleAfter);
  // Register first, then look: two processes starting together each see the other, and both refuse
  // (loudly) rather than both run.
  await o.registry.register(self);
  const alive = (await o.registry.alive(now() - staleAfter)).filter((i) => i.id !== self.id);
  const dead = alive.filter((i) => i.host === host && i.pid !== pid && !isRunning(i.pid));
  await o.registry.remove(dead.map((i) => i.id));
  const others = alive.filter((i) => !dead.includes(i));
  const conflicts = o.sharedState ? others.filter((i) => !i.sharedState) : others;
  if (conflicts.length > 0) {
    await o.registry.remove([self.id]);
    const list = conflicts.map(describe).join('; ');
    const why = o.sharedState
      ? `another gateway against this database keeps its counters in its own process (${list})`
      : `${conflicts.length} other gateway instance(s) run against this database (${list}) and this one's state.url is ${o.stateKind}://`;
    throw new ReplicasNeedSharedStateError(
      `refusing to start: ${why}. Each replica would count on its own, so every limit and budget would be multiplied by the number of replicas. Point every replica's state.url at one shared redis:// server. (A gateway that has stopped counts for ${staleAfter / 1000} s after its last heartbeat.)`,
    );
  }

  let timer: NodeJS.Timeout | undefined = setInterval(() => {
    void (async () => {
      try {
        // Deleted as stale (this process was paused longer than the bound): announce it again.
        if (!(await o.registry.heartbeat(self.id, now()))) await o.registry.register({ ...self, startedAt: now() });
      } catch (err) {
        o.onError?.(err);
      }
    })();
  }, o.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  return {
    id: self.id,
    async leave() {
      clearInterval(timer);
      timer = undefined;
      await o.registry.remove([self.id]).catch((err: unknown) => o.onError?.(err));
    },
  };
}
