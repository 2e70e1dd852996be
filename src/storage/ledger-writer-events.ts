// What the ledger writer reports about itself: events for degraded operation (logs, metrics) and
// the counters behind `stats()`. Separate from the writer so observers need not import it.
import type { RejectedItem } from './ledger-spool.js';

export type LedgerWriterEvent =
  /** The database refused a batch; its rows were spooled. */
  | { readonly type: 'batch_failed'; readonly rows: number; readonly error: unknown }
  /** The spool file could not be written; the rows stay in memory and are retried. */
  | { readonly type: 'spool_failed'; readonly rows: number; readonly error: unknown }
  /** A replay attempt failed; it is retried after `retryInMs`. */
  | { readonly type: 'replay_failed'; readonly retryInMs: number; readonly error: unknown }
  /** The spool is empty again; `rows` were replayed into the database since it was last empty. */
  | { readonly type: 'replayed'; readonly rows: number }
  /** Rows that can never be stored were set aside in the rejected file. */
  | { readonly type: 'rows_rejected'; readonly rows: number; readonly reason: string }
  /** Even the rejected file could not be written: the items are in this event, for the log. */
  | { readonly type: 'reject_failed'; readonly items: readonly RejectedItem[]; readonly error: unknown }
  /** A bug in the writer itself, reported rather than thrown into the request path. */
  | { readonly type: 'internal_error'; readonly error: unknown };

export interface LedgerWriterStats {
  /** Rows the database took straight from memory (new, or already stored). */
  readonly rowsWritten: number;
  /** Rows appended to the spool file. */
  readonly rowsSpooled: number;
  /** Rows the database took from the spool (new, or already stored). */
  readonly rowsReplayed: number;
  /** Of the written and replayed rows, those whose request_id was already stored. */
  readonly rowsDuplicate: number;
  /** Rows set aside in the rejected file. */
  readonly rowsRejected: number;
  /** Inserts that failed because the database was unavailable. */
  readonly batchesFailed: number;
  /** Rows in memory, not yet in the database or the spool. */
  readonly buffered: number;
  /** The spool holds rows not yet replayed. */
  readonly spoolPending: boolean;
  /** The last insert succeeded (false from a failure until the spool is fully replayed). */
  readonly databaseHealthy: boolean;
}

/** The cumulative counters of `LedgerWriterStats` (the rest is current state). */
export type LedgerWriterCounters = {
  -readonly [K in Exclude<keyof LedgerWriterStats, 'buffered' | 'spoolPending' | 'databaseHealthy'>]: number;
};

/** Calls an observer that must not be able to break the writer. */
export function emitSafely(onEvent: ((event: LedgerWriterEvent) => void) | undefined, event: LedgerWriterEvent): void {
  try {
    onEvent?.(event);
  } catch {
    /* a failing observer must not break the writer */
  }
}
