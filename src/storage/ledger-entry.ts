// A ledger entry as the request path hands it over, the record as stored, and the row as read
// back. Field names mirror the columns so the admin API can serialise rows without a mapping
// layer. Validation happens once, when the entry is accepted, so that a batch never fails in the
// database because of one malformed row.
import type { Selectable } from 'kysely';
import type { LedgerTable } from './schema.js';
import { InvalidLedgerEntryError } from './storage-errors.js';

export interface LedgerAttempt {
  readonly deployment: string;
  /** Upstream HTTP status; null when no response arrived (connection error, timeout). */
  readonly status: number | null;
  readonly error_code: string | null;
  readonly latency_ms: number;
  /** The call continued a stream another call broke off (stream_recovery: continue). */
  readonly continuation?: boolean;
}

export interface LedgerEntry {
  readonly request_id: string;
  /** Milliseconds since the epoch. */
  readonly created_at: number;
  readonly key_id?: string | null;
  readonly key_name?: string | null;
  readonly user_id?: string | null;
  readonly team_id?: string | null;
  readonly org_id?: string | null;
  readonly end_user?: string | null;
  /** The model the client asked for. */
  readonly model: string;
  readonly deployment?: string | null;
  readonly provider?: string | null;
  readonly surface: string;
  /** Every attempt made, in order; the count column is derived from it. */
  readonly attempts?: readonly LedgerAttempt[];
  readonly status: number;
  readonly error_code?: string | null;
  readonly input_tokens?: number;
  readonly cached_input_tokens?: number;
  readonly cache_write_tokens?: number;
  readonly output_tokens?: number;
  readonly reasoning_tokens?: number;
  /** What the request cost, all attempts included, in nano-dollars. */
  readonly cost_nanos: bigint;
  readonly latency_ms: number;
  readonly ttft_ms?: number | null;
  readonly stream?: boolean;
  readonly cache_status?: string | null;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A ledger row as read back: every field present, JSON decoded. */
export interface LedgerRow extends Required<Omit<LedgerEntry, 'attempts' | 'tags' | 'metadata'>> {
  readonly attempts: number;
  readonly attempt_details: readonly LedgerAttempt[];
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Exactly what one ledger INSERT row holds; also the unit the spool file stores. */
export type LedgerRecord = Readonly<LedgerTable>;

/** Every ledger column, in table order; spool records are rebuilt from exactly these. */
export const LEDGER_COLUMNS = [
  'request_id', 'created_at', 'key_id', 'key_name', 'user_id', 'team_id', 'org_id', 'end_user',
  'model', 'deployment', 'provider', 'surface', 'attempts', 'attempts_json', 'status', 'error_code',
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens',
  'cost_nanos', 'latency_ms', 'ttft_ms', 'stream', 'cache_status', 'tags', 'metadata',
] as const satisfies readonly (keyof LedgerTable)[];
// Compile-time proof that the list above names every column.
const everyColumnListed: Record<Exclude<keyof LedgerTable, (typeof LEDGER_COLUMNS)[number]>, never> = {};
void everyColumnListed;

const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Checks and converts an entry; throws InvalidLedgerEntryError naming the first bad field. */
export function toLedgerRecord(entry: LedgerEntry): LedgerRecord {
  const attempts = entry.attempts ?? [];
  if (!Array.isArray(attempts)) throw new InvalidLedgerEntryError('attempts', 'must be an array');
  const tags = entry.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new InvalidLedgerEntryError('tags', 'must be an array of strings');
  }
  return checkLedgerRecord({
    request_id: entry.request_id,
    created_at: entry.created_at,
    key_id: entry.key_id ?? null,
    key_name: entry.key_name ?? null,
    user_id: entry.user_id ?? null,
    team_id: entry.team_id ?? null,
    org_id: entry.org_id ?? null,
    end_user: entry.end_user ?? null,
    model: entry.model,
    deployment: entry.deployment ?? null,
    provider: entry.provider ?? null,
    surface: entry.surface,
    attempts: attempts.length,
    attempts_json: json('attempts', attempts.map(checkAttempt)),
    status: entry.status,
    error_code: entry.error_code ?? null,
    input_tokens: entry.input_tokens ?? 0,
    cached_input_tokens: entry.cached_input_tokens ?? 0,
    cache_write_tokens: entry.cache_write_tokens ?? 0,
    output_tokens: entry.output_tokens ?? 0,
    reasoning_tokens: entry.reasoning_tokens ?? 0,
    cost_nanos: entry.cost_nanos,
    latency_ms: entry.latency_ms,
    ttft_ms: entry.ttft_ms ?? null,
    stream: entry.stream === true ? 1 : 0,
    cache_status: entry.cache_status ?? null,
    tags: json('tags', tags),
    metadata: entry.metadata === undefined ? '{}' : json('metadata', entry.metadata),
  });
}

/**
 * Validates a record field by field (types, integer ranges both backends accept). Used for new
 * entries and for records read back from the spool file, which may have been damaged.
 */
export function checkLedgerRecord(r: LedgerRecord): LedgerRecord {
  text('request_id', r.request_id, false);
  if (r.request_id.length > 256) throw new InvalidLedgerEntryError('request_id', 'is longer than 256 characters');
  if (!Number.isSafeInteger(r.created_at) || r.created_at < 0) {
    throw new InvalidLedgerEntryError('created_at', `must be milliseconds since the epoch, got ${String(r.created_at)}`);
  }
  for (const f of ['key_id', 'key_name', 'user_id', 'team_id', 'org_id', 'end_user', 'deployment', 'provider', 'error_code', 'cache_status'] as const) {
    text(f, r[f], true);
  }
  text('model', r.model, false);
  text('surface', r.surface, false);
  for (const f of ['attempts', 'status', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'latency_ms'] as const) {
    int32(f, r[f]);
  }
  if (r.ttft_ms !== null) int32('ttft_ms', r.ttft_ms);
  if (r.stream !== 0 && r.stream !== 1) throw new InvalidLedgerEntryError('stream', 'must be 0 or 1');
  if (typeof r.cost_nanos !== 'bigint' || r.cost_nanos < INT64_MIN || r.cost_nanos > INT64_MAX) {
    throw new InvalidLedgerEntryError('cost_nanos', `must be a bigint within 64 bits, got ${String(r.cost_nanos)}`);
  }
  for (const f of ['attempts_json', 'tags', 'metadata'] as const) text(f, r[f], false);
  return r;
}

/** Decodes a stored row. Tolerant of hand-edited JSON columns so one bad row cannot hide the rest. */
export function fromLedgerRecord(r: Selectable<LedgerTable>): LedgerRow {
  const attemptDetails = parseJson(r.attempts_json);
  const tags = parseJson(r.tags);
  const metadata = parseJson(r.metadata);
  return {
    request_id: r.request_id,
    created_at: r.created_at,
    key_id: r.key_id,
    key_name: r.key_name,
    user_id: r.user_id,
    team_id: r.team_id,
    org_id: r.org_id,
    end_user: r.end_user,
    model: r.model,
    deployment: r.deployment,
    provider: r.provider,
    surface: r.surface,
    attempts: r.attempts,
    attempt_details: Array.isArray(attemptDetails) ? (attemptDetails as LedgerAttempt[]) : [],
    status: r.status,
    error_code: r.error_code,
    input_tokens: r.input_tokens,
    cached_input_tokens: r.cached_input_tokens,
    cache_write_tokens: r.cache_write_tokens,
    output_tokens: r.output_tokens,
    reasoning_tokens: r.reasoning_tokens,
    cost_nanos: r.cost_nanos,
    latency_ms: r.latency_ms,
    ttft_ms: r.ttft_ms,
    stream: r.stream === 1,
    cache_status: r.cache_status,
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
    metadata: isPlainObject(metadata) ? metadata : { unparsed: r.metadata },
  };
}

function checkAttempt(a: LedgerAttempt, i: number): LedgerAttempt {
  const field = `attempts[${i}]`;
  if (typeof a !== 'object' || a === null) throw new InvalidLedgerEntryError(field, 'must be an object');
  text(`${field}.deployment`, a.deployment, false);
  if (a.status !== null) int32(`${field}.status`, a.status);
  text(`${field}.error_code`, a.error_code ?? null, true);
  int32(`${field}.latency_ms`, a.latency_ms);
  if (a.continuation !== undefined && typeof a.continuation !== 'boolean') throw new InvalidLedgerEntryError(`${field}.continuation`, 'must be a boolean');
  return { deployment: a.deployment, status: a.status, error_code: a.error_code ?? null, latency_ms: a.latency_ms, ...(a.continuation === true ? { continuation: true } : {}) };
}

function text(field: string, v: unknown, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'string') throw new InvalidLedgerEntryError(field, `must be a string${nullable ? ' or null' : ''}`);
  if (!nullable && v === '') throw new InvalidLedgerEntryError(field, 'must not be empty');
}

function int32(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32_MAX) {
    throw new InvalidLedgerEntryError(field, `must be a whole number from 0 to ${INT32_MAX}, got ${String(v)}`);
  }
}

const bigintAsString = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

function json(field: string, value: unknown): string {
  // Most rows have no tags and no metadata; a replacer function makes stringify several times slower.
  if (Array.isArray(value) && value.length === 0) return '[]';
  try {
    // Amounts in metadata stay exact as decimal strings instead of failing the whole entry.
    return field === 'metadata' ? JSON.stringify(value, bigintAsString) : JSON.stringify(value);
  } catch (err) {
    throw new InvalidLedgerEntryError(field, `is not serialisable as JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
