// The gateway processes running against this database, each with the kind of counter store it
// uses. Rows are kept fresh by a heartbeat; a row whose heartbeat stopped (the process died) stops
// counting after the caller's staleness bound and is deleted by the next registration.
import type { Kysely, Selectable } from 'kysely';
import { toStorageError } from './db-error-kind.js';
import type { Database, GatewayInstancesTable } from './schema.js';

export interface GatewayInstance {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly stateKind: string;
  /** Its counters are shared with other replicas (Redis). */
  readonly sharedState: boolean;
  readonly startedAt: number;
  readonly heartbeatAt: number;
}

function fromRow(r: Selectable<GatewayInstancesTable>): GatewayInstance {
  return { id: r.id, host: r.host, pid: r.pid, stateKind: r.state_kind, sharedState: r.shared_state === 1, startedAt: r.started_at, heartbeatAt: r.heartbeat_at };
}

export class InstanceRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  async register(i: Omit<GatewayInstance, 'heartbeatAt'>): Promise<void> {
    try {
      await this.db
        .insertInto('gateway_instances')
        .values({ id: i.id, host: i.host, pid: i.pid, state_kind: i.stateKind, shared_state: i.sharedState ? 1 : 0, started_at: i.startedAt, heartbeat_at: i.startedAt })
        .execute();
    } catch (err) {
      throw toStorageError(err, 'registering this gateway instance');
    }
  }

  /** False when the row is gone (deleted as stale by another replica): the caller registers again. */
  async heartbeat(id: string, now: number): Promise<boolean> {
    try {
      const r = await this.db.updateTable('gateway_instances').set({ heartbeat_at: now }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    } catch (err) {
      throw toStorageError(err, 'recording this gateway instance heartbeat');
    }
  }

  /** Every instance whose heartbeat is at or after `aliveSince`, oldest first. */
  async alive(aliveSince: number): Promise<GatewayInstance[]> {
    try {
      const rows = await this.db.selectFrom('gateway_instances').selectAll().where('heartbeat_at', '>=', aliveSince).orderBy('started_at').orderBy('id').execute();
      return rows.map(fromRow);
    } catch (err) {
      throw toStorageError(err, 'listing gateway instances');
    }
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.db.deleteFrom('gateway_instances').where('id', 'in', [...ids]).execute();
    } catch (err) {
      throw toStorageError(err, 'removing gateway instances');
    }
  }

  /** Deletes rows whose heartbeat is older than `aliveSince`: their processes are gone. */
  async removeStale(aliveSince: number): Promise<void> {
    try {
      await this.db.deleteFrom('gateway_instances').where('heartbeat_at', '<', aliveSince).execute();
    } catch (err) {
      throw toStorageError(err, 'removing stale gateway instances');
    }
  }
}
