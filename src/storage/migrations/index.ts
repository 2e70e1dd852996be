// Migrations are listed here, not discovered on disk, so the compiled gateway in dist/ (or a
// bundle) migrates exactly like the sources do. Add a migration: write NNNN-name.ts beside this
// file and add it below; names sort in the order they must run.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { describeError } from '../db-error-kind.js';
import { StorageMigrationError } from '../storage-errors.js';
import * as initial from './0001-initial.js';
import * as entityTombstones from './0002-entity-tombstones.js';
import * as gatewayInstances from './0003-gateway-instances.js';
import * as partialLedgerIndexes from './0004-partial-ledger-indexes.js';

export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_entity_tombstones': entityTombstones,
  '0003_gateway_instances': gatewayInstances,
  '0004_partial_ledger_indexes': partialLedgerIndexes,
});

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

export interface MigrationReport {
  /** Names of the migrations this call applied, in order (empty when already up to date). */
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date. Safe to call on every start and from several replicas at once:
 * Kysely serialises migrators with a lock (an advisory lock on PostgreSQL) and applied
 * migrations are recorded in `tollgate_migration`.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'tollgate_migration',
    migrationLockTableName: 'tollgate_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r: MigrationResult) => r.status === 'Error')?.migrationName ?? 'setup';
    throw new StorageMigrationError(failed, describeError(error), error);
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
