// Sorting database errors into the two kinds the callers act on differently. This is one of the
// few places where the backends really differ: PostgreSQL reports SQLSTATE codes, better-sqlite3
// reports SQLITE_* result codes.
//
// - 'data': this statement with these values can never succeed (a constraint, a value out of
//   range). Retrying is pointless; the offending row must be set aside, loudly.
// - 'unavailable': anything else (connection refused or lost, timeout, disk full, database locked
//   or read-only, schema not migrated yet). Retrying later may succeed, so nothing is given up.
import { GatewayError } from '../core/errors.js';
import { StorageUnavailableError } from './storage-errors.js';

export type DbErrorKind = 'data' | 'unavailable';

const SQLITE_DATA_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG', 'SQLITE_RANGE'];

export function classifyDbError(err: unknown): DbErrorKind {
  const code = errorCode(err);
  if (code !== undefined) {
    if (/^[0-9A-Z]{5}$/.test(code)) {
      // SQLSTATE class 22 = data exception, 23 = integrity constraint violation.
      return code.startsWith('22') || code.startsWith('23') ? 'data' : 'unavailable';
    }
    if (code.startsWith('SQLITE_')) {
      return SQLITE_DATA_CODES.some((c) => code === c || code.startsWith(`${c}_`)) ? 'data' : 'unavailable';
    }
  }
  // better-sqlite3 refuses to bind some values (a boolean, a non-finite number) with a TypeError or
  // RangeError before SQLite sees the statement: a property of the row, not of the database.
  if (err instanceof TypeError || err instanceof RangeError) return 'data';
  return 'unavailable';
}

export function isUniqueViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Re-throwable form of a database failure: unavailability becomes a typed 503, the rest is kept. */
export function toStorageError(err: unknown, what: string): unknown {
  if (err instanceof GatewayError) return err;
  if (classifyDbError(err) === 'unavailable') {
    return new StorageUnavailableError(`Storage failed while ${what}: ${describeError(err)}`, err);
  }
  return err;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = errorCode(err);
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
