// Running gateway processes announce themselves here, with the kind of counter store they use, so
// that a second replica next to one with process-local counters (or the other way round) is
// refused at start (M9): each would count on its own and every limit would multiply.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    /** 'memory' or 'redis' (CounterStore.kind); shared_state 1 when every replica sees the same counters. */
    .addColumn('state_kind', 'text', (c) => c.notNull())
    .addColumn('shared_state', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gateway_instances').ifExists().execute();
}
