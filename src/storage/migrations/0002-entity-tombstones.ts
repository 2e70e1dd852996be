// Users, teams and orgs created through the admin API are deleted softly: a `deleted_at`
// tombstone moves `updated_at`, so replicas polling for changes (`updated_since`) see deletions
// exactly as they see edits. Listing by `updated_at` is what that polling does, hence the indexes.
//
// `budget_window` says how a periodic budget counts: null (calendar periods) or 'rolling' (the
// last 24 h / 7 d / 30 d). Keys carry it too.
import type { Kysely } from 'kysely';

const ENTITY_TABLES = ['users', 'teams', 'orgs'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ENTITY_TABLES) {
    await db.schema.alterTable(table).addColumn('deleted_at', 'bigint').execute();
    await db.schema.alterTable(table).addColumn('budget_window', 'text').execute();
    await db.schema.createIndex(`${table}_updated_at`).on(table).column('updated_at').execute();
  }
  await db.schema.alterTable('api_keys').addColumn('budget_window', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('budget_window').execute();
  for (const table of ENTITY_TABLES) {
    await db.schema.dropIndex(`${table}_updated_at`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('budget_window').execute();
    await db.schema.alterTable(table).dropColumn('deleted_at').execute();
  }
}
