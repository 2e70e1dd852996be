// Reading request JSON the way Google's front end does: a field may be named in lowerCamelCase or by
// its proto (snake_case) name, `null` means unset, an unknown name is a 400 ("Cannot find field"),
// and a value of the wrong type is a 400 naming the field path in proto (snake_case) spelling.
import { InvalidRequestError } from '../../core/errors.js';
import { isRecord } from '../json-shape.js';

export type Fields = ReadonlyMap<string, unknown>;

export function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A 400 INVALID_ARGUMENT; `field` becomes the BadRequest detail's field. */
export function bad(message: string, field: string | null = null): InvalidRequestError {
  return new InvalidRequestError(message, field, 'INVALID_ARGUMENT');
}

export function join(at: string, key: string): string {
  return at === '' ? snake(key) : `${at}.${snake(key)}`;
}

function invalidValue(path: string, type: string, v: unknown): InvalidRequestError {
  return bad(`Invalid value at '${path}' (${type}), ${JSON.stringify(v)}`, path);
}

/** The object's fields by camelCase name; `typeName` is the proto message named in errors. */
export function readFields(v: unknown, allowed: ReadonlySet<string>, at: string, typeName: string): Fields {
  if (!isRecord(v)) throw invalidValue(at === '' ? 'request' : at, `type.googleapis.com/google.ai.generativelanguage.v1beta.${typeName}`, v);
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(v)) {
    const name = camel(key);
    if (!allowed.has(name)) {
      const where = at === '' ? '' : ` at '${at}'`;
      throw bad(`Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`, at === '' ? key : at);
    }
    if (value !== null) out.set(name, value);
  }
  return out;
}

export function str(f: Fields, key: string, at: string): string | undefined {
  const v = f.get(key);
  if (v === undefined || typeof v === 'string') return v;
  throw invalidValue(join(at, key), 'TYPE_STRING', v);
}

export function bool(f: Fields, key: string, at: string): boolean | undefined {
  const v = f.get(key);
  if (v === undefined || typeof v === 'boolean') return v;
  throw invalidValue(join(at, key), 'TYPE_BOOL', v);
}

export function num(f: Fields, key: string, at: string): number | undefined {
  const v = f.get(key);
  if (v === undefined || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw invalidValue(join(at, key), 'TYPE_FLOAT', v);
}

export function int(f: Fields, key: string, at: string): number | undefined {
  const v = f.get(key);
  if (v === undefined) return undefined;
  // Google accepts 64-bit and 32-bit integers as JSON strings too ("42").
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw invalidValue(join(at, key), 'TYPE_INT32', v);
}

export function list(f: Fields, key: string, at: string): readonly unknown[] | undefined {
  const v = f.get(key);
  if (v === undefined || Array.isArray(v)) return v;
  throw invalidValue(join(at, key), 'TYPE_MESSAGE', v);
}

export function record(f: Fields, key: string, at: string): Readonly<Record<string, unknown>> | undefined {
  const v = f.get(key);
  if (v === undefined || isRecord(v)) return v;
  throw invalidValue(join(at, key), 'type.googleapis.com/google.protobuf.Struct', v);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A bytes field: base64 (standard or URL-safe alphabet). */
export function bytes(f: Fields, key: string, at: string): string | undefined {
  const v = str(f, key, at);
  if (v === undefined || (BASE64.test(v) && v.replace(/=+$/, '').length % 4 !== 1)) return v;
  throw bad(`Invalid value at '${join(at, key)}' (TYPE_BYTES), Base64 decoding failed for ${JSON.stringify(v)}`, join(at, key));
}
