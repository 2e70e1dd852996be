// The ledger's user, team and org indexes hold only rows that name one: most requests come through
// keys without a user or team, and indexing their NULLs cost every ledger insert three index
// writes for nothing. Lookups (`user_id = ?`) imply IS NOT NULL, so both SQLite and PostgreSQL
// still use the partial indexes.
import { sql, type Kysely } from 'kysely';

const SCOPES = ['user_id', 'team_id', 'org_id'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const scope of SCOPES) {
    await db.schema.dropIndex(`ledger_${scope}_created_at`).ifExists().execute();
    await db.schema
      .createIndex(`ledger_${scope}_created_at`)
      .on('ledger')
      .columns([scope, 'created_at'])
      .where(sql.ref(scope), 'is not', null)
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const scope of SCOPES) {
    await db.schema.dropIndex(`ledger_${scope}_created_at`).ifExists().execute();
    await db.schema.createIndex(`ledger_${scope}_created_at`).on('ledger').columns([scope, 'created_at']).execute();
  }
}
