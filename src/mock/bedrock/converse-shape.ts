// Shared pieces of the Bedrock request validators: the 400 ValidationException they raise, JSON body
// parsing, and Smithy unions (blocks that must set exactly one member).
import { InvalidRequestError } from '../../core/errors.js';
import { isRecord, type JsonRecord } from '../json-shape.js';

/** Tool ids and tool names: ^[a-zA-Z0-9_-]{1,64}$. */
export const TOOL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export function bad(message: string, param: string | null = null): InvalidRequestError {
  return new InvalidRequestError(message, param, 'ValidationException');
}

export function parseJsonObject(raw: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad('Malformed input request, please reformat your input and try again.');
  }
  if (!isRecord(value)) throw bad('Malformed input request: the body must be a JSON object.');
  return value;
}

/** The single member a union-typed block sets. */
export function member(b: unknown, at: string, allowed: ReadonlySet<string>): [string, unknown] {
  if (!isRecord(b)) throw bad(`${at}: expected an object`, at);
  const keys = Object.keys(b);
  if (keys.length !== 1 || !allowed.has(keys[0] as string)) throw bad(`${at}: a block must set exactly one of ${[...allowed].join(', ')}`, at);
  return [keys[0] as string, b[keys[0] as string]];
}

