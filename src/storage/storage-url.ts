// The storage URL is the only thing an operator writes about the database, so it is parsed once,
// strictly, with an error that says what was expected.
//
//   sqlite::memory:                 in-process, gone on close (tests, throwaway runs)
//   sqlite://./relative/path.db     relative to the working directory
//   sqlite://relative/path.db       same
//   sqlite:///abs/path.db           absolute
//   postgres://user:pw@host:5432/db (or postgresql://), query parameters passed to pg as-is
import { isAbsolute, resolve } from 'node:path';
import { InvalidStorageUrlError } from './storage-errors.js';

export type StorageTarget =
  | { readonly backend: 'sqlite'; readonly path: ':memory:' | string; readonly location: string }
  | { readonly backend: 'postgres'; readonly connectionString: string; readonly location: string };

export function parseStorageUrl(url: string, cwd: string = process.cwd()): StorageTarget {
  const trimmed = url.trim();
  if (trimmed === 'sqlite::memory:' || trimmed === 'sqlite://:memory:') {
    return { backend: 'sqlite', path: ':memory:', location: 'sqlite::memory:' };
  }
  if (trimmed.startsWith('sqlite://')) {
    const raw = decodeURIComponent(trimmed.slice('sqlite://'.length).replace(/\?.*$/, ''));
    if (raw === '' || raw.endsWith('/')) {
      throw new InvalidStorageUrlError(url, 'expected a file path, as in sqlite://./.tollgate/tollgate.db');
    }
    const path = isAbsolute(raw) ? raw : resolve(cwd, raw);
    return { backend: 'sqlite', path, location: `sqlite://${path}` };
  }
  if (trimmed.startsWith('postgres://') || trimmed.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw new InvalidStorageUrlError(redact(trimmed), 'not a valid URL');
    }
    if (parsed.hostname === '') throw new InvalidStorageUrlError(redact(trimmed), 'missing host');
    if (parsed.pathname.length <= 1) {
      throw new InvalidStorageUrlError(redact(trimmed), 'missing database name, as in postgres://user@host:5432/tollgate');
    }
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    const port = parsed.port ? `:${parsed.port}` : '';
    return {
      backend: 'postgres',
      connectionString: trimmed,
      location: `postgres://${user}${parsed.hostname}${port}${parsed.pathname}`,
    };
  }
  throw new InvalidStorageUrlError(
    redact(trimmed),
    'expected sqlite://path, sqlite::memory: or postgres://user@host:port/database',
  );
}

/** The URL with any password replaced, for error messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
