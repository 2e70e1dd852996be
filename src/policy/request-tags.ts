// Tags label requests for spend reports (`/admin/spend?scope=tag:X`) and, when the config gives a
// tag a budget, for limits. A request's tags are those of its key (`metadata.tags`) plus the
// `x-tollgate-tags: a,b` header. Tags are short names; a malformed header is refused rather than
// silently dropped, because a report that quietly misses requests is worse than a 400.
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../core/errors.js';
import { TAG_PATTERN } from '../config/schema.js';

export { TAG_PATTERN };
export const MAX_TAGS = 16;
export const TAGS_HEADER = 'x-tollgate-tags';

/** Splits `a, b` or takes a string array; drops empty pieces. */
function pieces(v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (Array.isArray(v)) return v.filter((t): t is string => typeof t === 'string').map((t) => t.trim()).filter((t) => t !== '');
  return [];
}

/** A key's tags from its metadata (validated when the key was written; anything else is ignored). */
export function tagsFromMetadata(metadata: Readonly<Record<string, unknown>> | undefined): readonly string[] {
  return [...new Set(pieces(metadata?.['tags']).filter((t) => TAG_PATTERN.test(t)))].slice(0, MAX_TAGS);
}

/** Why a metadata `tags` value would be refused, or undefined when it is fine (or absent). */
export function metadataTagsProblem(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const v = metadata?.['tags'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && !(Array.isArray(v) && v.every((t) => typeof t === 'string'))) return 'tags must be a string "a,b" or an array of strings';
  const bad = pieces(v).find((t) => !TAG_PATTERN.test(t));
  if (bad !== undefined) return `tag ${JSON.stringify(bad)} is not a tag (letters, digits and _.:/-, at most 64)`;
  if (pieces(v).length > MAX_TAGS) return `at most ${MAX_TAGS} tags`;
  return undefined;
}

/** The request's tags: the key's, then the header's, without repeats. */
export function requestTags(headers: IncomingHttpHeaders, keyTags: readonly string[] = []): readonly string[] {
  const raw = headers[TAGS_HEADER];
  const fromHeader = pieces(Array.isArray(raw) ? raw.join(',') : raw);
  const bad = fromHeader.find((t) => !TAG_PATTERN.test(t));
  if (bad !== undefined) {
    throw new InvalidRequestError(`${TAGS_HEADER}: ${JSON.stringify(bad.slice(0, 80))} is not a tag (letters, digits and _.:/-, at most 64 characters)`, TAGS_HEADER, 'invalid_tags');
  }
  const all = [...new Set([...keyTags, ...fromHeader])];
  if (all.length > MAX_TAGS) throw new InvalidRequestError(`At most ${MAX_TAGS} tags per request (key and ${TAGS_HEADER} together)`, TAGS_HEADER, 'invalid_tags');
  return all;
}
