// The first schema: the ledger and the governance entities. Column types are chosen so that one
// definition serves both backends: `bigint` is a 64-bit integer on PostgreSQL and has INTEGER
// affinity (also 64-bit) on SQLite; JSON is text; booleans are integers 0/1.
//
// References between entities (a key's user, a user's team) are not foreign keys on purpose:
// entities may also be defined in the config file and never exist in these tables.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('key_name', 'text')
    .addColumn('user_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('end_user', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('deployment', 'text')
    .addColumn('provider', 'text')
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cached_input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_write_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reasoning_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('latency_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ttft_ms', 'integer')
    .addColumn('stream', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_status', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();

  // Newest-first listings, optionally for one key or model, and spend per scope over a period.
  await db.schema.createIndex('ledger_created_at').on('ledger').column('created_at').execute();
  for (const scope of ['key_id', 'user_id', 'team_id', 'org_id', 'model']) {
    await db.schema.createIndex(`ledger_${scope}_created_at`).on('ledger').columns([scope, 'created_at']).execute();
  }

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('models', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('budget_nanos', 'bigint')
    .addColumn('budget_period', 'text')
    .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  for (const column of ['user_id', 'team_id', 'org_id', 'updated_at']) {
    await db.schema.createIndex(`api_keys_${column}`).on('api_keys').column(column).execute();
  }

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('budget_nanos', 'bigint')
    .addColumn('budget_period', 'text')
    .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('org_id', 'text')
    .addColumn('budget_nanos', 'bigint')
    .addColumn('budget_period', 'text')
    .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('teams_org_id').on('teams').column('org_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('team_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('budget_nanos', 'bigint')
    .addColumn('budget_period', 'text')
    .addColumn('limits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_team_id').on('users').column('team_id').execute();
  await db.schema.createIndex('users_org_id').on('users').column('org_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'teams', 'orgs', 'api_keys', 'ledger']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
