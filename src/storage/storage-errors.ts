// Failures of the persistent store. A database that cannot be reached is a 503 the caller may
// retry (another replica, or later); a storage URL we cannot understand is a startup error.
import { GatewayError } from '../core/errors.js';

export class StorageUnavailableError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('storage_unavailable', 503, message, { retryable: true, cause });
  }
}

export class InvalidStorageUrlError extends GatewayError {
  constructor(url: string, why: string) {
    super('invalid_storage_url', 500, `Cannot use storage URL '${url}': ${why}`, { param: 'storage.url' });
  }
}

/** Two keys hashed to the same value, or a caller-chosen id was reused. */
export class KeyConflictError extends GatewayError {
  constructor(what: string, cause?: unknown) {
    super('key_conflict', 409, `An API key with this ${what} already exists`, { cause });
  }
}

/** A ledger entry the writer cannot store as given (a bug in the caller, never the client's fault). */
export class InvalidLedgerEntryError extends GatewayError {
  constructor(field: string, why: string) {
    super('invalid_ledger_entry', 500, `Ledger entry field '${field}' ${why}`, { param: field });
  }
}

export class StorageMigrationError extends GatewayError {
  constructor(migration: string, detail: string, cause?: unknown) {
    super('storage_migration_failed', 503, `Storage migration '${migration}' failed: ${detail}`, { cause });
  }
}

/** A user, team or org with this id already exists (ids are names, unique per kind). */
export class EntityConflictError extends GatewayError {
  constructor(kind: string, id: string) {
    super('entity_exists', 409, `A ${kind} named '${id}' already exists`, { param: 'name' });
  }
}
