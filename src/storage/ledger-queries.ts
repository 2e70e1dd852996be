// Reads over the ledger for the admin API: recent rows (`GET /admin/logs`) and spend per scope
// (`/admin/spend`, `/admin/reconcile`). Sums are computed by the database over exact integers;
// money comes back as bigint nano-dollars on both backends.
import { sql, type Kysely } from 'kysely';
import { toStorageError } from './db-error-kind.js';
import { fromLedgerRecord, type LedgerRow } from './ledger-entry.js';
import type { Database } from './schema.js';

export interface ListLedgerOptions {
  /** Only rows of this key id. */
  readonly key?: string;
  /** Only rows for this requested model. */
  readonly model?: string;
  /** Only rows with this HTTP status. */
  readonly status?: number;
  /** At most this many rows (default 100, capped at 1,000). */
  readonly limit?: number;
  /** Continue a listing: rows strictly older than this one (pass the last row of the previous page). */
  readonly before?: { readonly created_at: number; readonly request_id: string };
}

export const MAX_LEDGER_PAGE = 1_000;

/** Newest first; among rows of the same millisecond, by request id descending. */
export async function listLedger(db: Kysely<Database>, options: ListLedgerOptions = {}): Promise<LedgerRow[]> {
  const limit = Math.min(MAX_LEDGER_PAGE, Math.max(1, Math.floor(options.limit ?? 100)));
  let query = db.selectFrom('ledger').selectAll();
  if (options.key !== undefined) query = query.where('key_id', '=', options.key);
  if (options.model !== undefined) query = query.where('model', '=', options.model);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const before = options.before;
  if (before !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.created_at),
        eb.and([eb('created_at', '=', before.created_at), eb('request_id', '<', before.request_id)]),
      ]),
    );
  }
  try {
    const rows = await query.orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(limit).execute();
    return rows.map(fromLedgerRecord);
  } catch (err) {
    throw toStorageError(err, 'listing the ledger');
  }
}

export type SpendScope = 'key' | 'user' | 'team' | 'org' | 'provider' | 'end_user';

const SCOPE_COLUMN = {
  key: 'key_id',
  user: 'user_id',
  team: 'team_id',
  org: 'org_id',
  provider: 'provider',
  end_user: 'end_user',
} as const satisfies Record<SpendScope, keyof Database['ledger']>;

export interface ScopeSpend {
  readonly cost_nanos: bigint;
  readonly requests: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

export interface SpendRange {
  /** Inclusive lower bound on created_at (ms), e.g. the start of the budget period. */
  readonly from?: number;
  /** Exclusive upper bound on created_at (ms). */
  readonly to?: number;
}

/** What the ledger says a scope has spent, over all time or within a period. */
export async function sumSpendByScope(
  db: Kysely<Database>,
  scope: SpendScope,
  id: string,
  range: SpendRange = {},
): Promise<ScopeSpend> {
  let query = db
    .selectFrom('ledger')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<bigint>('cost_nanos'), eb.lit(0)).as('cost_nanos'),
      eb.fn.countAll<number>().as('requests'),
      eb.fn.coalesce(eb.fn.sum<number>('input_tokens'), eb.lit(0)).as('input_tokens'),
      eb.fn.coalesce(eb.fn.sum<number>('output_tokens'), eb.lit(0)).as('output_tokens'),
    ])
    .where(SCOPE_COLUMN[scope], '=', id);
  if (range.from !== undefined) query = query.where('created_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('created_at', '<', range.to);
  try {
    const row = await query.executeTakeFirstOrThrow();
    // IntegerColumnsPlugin has made cost_nanos a bigint and the counts numbers on both backends;
    // the conversions below only pin the types.
    return {
      cost_nanos: BigInt(row.cost_nanos) + (scope === 'provider' ? await chargedAttemptShift(db, id, range) : 0n),
      requests: Number(row.requests),
      input_tokens: Number(row.input_tokens),
      output_tokens: Number(row.output_tokens),
    };
  } catch (err) {
    throw toStorageError(err, `summing spend for ${scope} '${id}'`);
  }
}

/** An attempt a request was billed for besides the one that served it (metadata.charged_attempts). */
export interface ChargedAttempt {
  readonly deployment: string;
  readonly provider: string;
  /** Decimal nano-dollars. */
  readonly cost_nanos: string;
}

/**
 * A row's cost covers every billed attempt, and its `provider` is the one that served. An attempt
 * that a provider billed before a fallback (M10) belongs to that provider: it is moved from the
 * serving provider's sum to its own. Only rows with several attempts can carry one, so the scan is
 * narrowed by the database to those.
 */
async function chargedAttemptShift(db: Kysely<Database>, provider: string, range: SpendRange): Promise<bigint> {
  let query = db
    .selectFrom('ledger')
    .select(['provider', 'metadata'])
    .where('attempts', '>', 1)
    .where(sql<boolean>`metadata like ${'%charged_attempts%'}`);
  if (range.from !== undefined) query = query.where('created_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('created_at', '<', range.to);
  let shift = 0n;
  for (const row of await query.execute()) {
    for (const c of chargedAttemptsOf(row.metadata)) {
      if (c.provider === provider && row.provider !== provider) shift += BigInt(c.cost_nanos);
      else if (c.provider !== provider && row.provider === provider) shift -= BigInt(c.cost_nanos);
    }
  }
  return shift;
}

function chargedAttemptsOf(metadata: string): readonly ChargedAttempt[] {
  try {
    const v = (JSON.parse(metadata) as { charged_attempts?: unknown }).charged_attempts;
    return Array.isArray(v) ? v.filter((c): c is ChargedAttempt => typeof c === 'object' && c !== null && typeof (c as ChargedAttempt).provider === 'string' && /^\d+$/.test(String((c as ChargedAttempt).cost_nanos))) : [];
  } catch {
    return [];
  }
}

/**
 * What the ledger says requests carrying `tag` spent. Tags are stored as a JSON array of text; the
 * database narrows the rows with LIKE (case-insensitive on SQLite, so a superset) and the exact
 * match is checked here on the decoded array.
 */
export async function sumSpendByTag(db: Kysely<Database>, tag: string, range: SpendRange = {}): Promise<ScopeSpend> {
  const needle = JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`);
  let query = db
    .selectFrom('ledger')
    .select(['tags', 'cost_nanos', 'input_tokens', 'output_tokens'])
    .where(sql<boolean>`tags like ${`%${needle}%`} escape '\\'`);
  if (range.from !== undefined) query = query.where('created_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('created_at', '<', range.to);
  const out = { cost_nanos: 0n, requests: 0, input_tokens: 0, output_tokens: 0 };
  let rows;
  try {
    rows = await query.execute();
  } catch (err) {
    throw toStorageError(err, `summing spend for tag '${tag}'`);
  }
  for (const row of rows) {
    if (!tagsOf(row.tags).includes(tag)) continue;
    out.cost_nanos += BigInt(row.cost_nanos);
    out.requests += 1;
    out.input_tokens += row.input_tokens;
    out.output_tokens += row.output_tokens;
  }
  return out;
}

function tagsOf(text: string): readonly unknown[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
