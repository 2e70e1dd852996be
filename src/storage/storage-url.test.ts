import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidStorageUrlError } from './storage-errors.js';
import { parseStorageUrl } from './storage-url.js';

test('reads sqlite paths relative to the working directory, absolute, and in memory', () => {
  assert.deepEqual(parseStorageUrl('sqlite://./.tollgate/tollgate.db', '/srv/app'), {
    backend: 'sqlite',
    path: '/srv/app/.tollgate/tollgate.db',
    location: 'sqlite:///srv/app/.tollgate/tollgate.db',
  });
  assert.deepEqual(parseStorageUrl('sqlite://data/t.db', '/srv/app'), { backend: 'sqlite', path: '/srv/app/data/t.db', location: 'sqlite:///srv/app/data/t.db' });
  assert.deepEqual(parseStorageUrl('sqlite:///var/lib/tollgate/t.db', '/srv/app'), {
    backend: 'sqlite',
    path: '/var/lib/tollgate/t.db',
    location: 'sqlite:///var/lib/tollgate/t.db',
  });
  assert.deepEqual(parseStorageUrl('sqlite::memory:'), { backend: 'sqlite', path: ':memory:', location: 'sqlite::memory:' });
});

test('reads postgres URLs and keeps the password out of the location', () => {
  const t = parseStorageUrl('postgres://gw:s3cret@db.internal:5433/tollgate?sslmode=require');
  assert.equal(t.backend, 'postgres');
  assert.equal(t.location, 'postgres://gw@db.internal:5433/tollgate');
  assert.ok(t.backend === 'postgres' && t.connectionString.includes('sslmode=require'));
  assert.equal(parseStorageUrl('postgresql://db/tollgate').location, 'postgres://db/tollgate');
});

test('refuses URLs it cannot use, without echoing a password', () => {
  for (const bad of ['mysql://x/y', 'sqlite://', 'sqlite://dir/', 'postgres://host', 'postgres://u:hunter2@host/', 'tollgate.db']) {
    assert.throws(
      () => parseStorageUrl(bad),
      (err: unknown) => err instanceof InvalidStorageUrlError && err.code === 'invalid_storage_url' && !err.message.includes('hunter2'),
      bad,
    );
  }
});
