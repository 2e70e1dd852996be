import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyDbError, isUniqueViolation, toStorageError } from './db-error-kind.js';
import { StorageUnavailableError } from './storage-errors.js';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

test('treats constraint and data errors as the row\'s fault and everything else as unavailability', () => {
  for (const code of ['23505', '23514', '22003', 'SQLITE_CONSTRAINT_CHECK', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG']) {
    assert.equal(classifyDbError(withCode(code)), 'data', code);
  }
  for (const code of ['57P01', '53300', '08006', '42703', '55000', 'SQLITE_BUSY', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'ECONNREFUSED', 'ETIMEDOUT']) {
    assert.equal(classifyDbError(withCode(code)), 'unavailable', code);
  }
  assert.equal(classifyDbError(new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null')), 'data');
  assert.equal(classifyDbError(new Error('Connection terminated unexpectedly')), 'unavailable');
});

test('recognises unique violations on both backends', () => {
  assert.ok(isUniqueViolation(withCode('23505')));
  assert.ok(isUniqueViolation(withCode('SQLITE_CONSTRAINT_UNIQUE')));
  assert.ok(isUniqueViolation(withCode('SQLITE_CONSTRAINT_PRIMARYKEY')));
  assert.ok(!isUniqueViolation(withCode('23514')));
});

test('turns unavailability into a retryable 503 and leaves data errors alone', () => {
  const down = toStorageError(withCode('ECONNREFUSED'), 'reading');
  assert.ok(down instanceof StorageUnavailableError && down.status === 503 && down.retryable);
  const bad = withCode('23514');
  assert.equal(toStorageError(bad, 'writing'), bad);
});
