// Ledger rows leave the request path here (M8: accounting must never be dropped under load).
// `write()` only validates and buffers: it never waits and never throws. Buffered rows go to the
// database in batches (every `batchSize` rows or `flushIntervalMs`), one multi-row insert per
// batch that skips request_ids already stored. When the database cannot take a batch, the batch
// is appended to a local spool file (fsync'd) and a background replay retries with backoff; while
// the database is down, new batches go straight to the spool so requests never queue behind a
// dead connection. A spool left by a previous process is replayed at construction.
//
// Where a row can end up: the database, the spool file (until replayed), or — only when the row
// itself can never be stored (invalid fields, a constraint) — the rejected file beside the spool,
// with the reason. Never nowhere.
import { statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { classifyDbError, describeError } from './db-error-kind.js';
import { toLedgerRecord, type LedgerEntry, type LedgerRecord } from './ledger-entry.js';
import { insertLedgerRecords, type LedgerInserter } from './ledger-insert.js';
import { LedgerSpool, type RejectedItem, type SpoolDrainResult } from './ledger-spool.js';
import type { Database } from './schema.js';
import { StorageUnavailableError } from './storage-errors.js';

export interface LedgerWriterOptions {
  readonly db: Kysely<Database>;
  /** JSON-lines file for rows the database could not take, e.g. `.tollgate/ledger-spool.jsonl`. One process per file. */
  readonly spoolPath: string;
  /** Where rows that can never be stored are set aside (default: beside the spool, `*.rejected.jsonl`). */
  readonly rejectedPath?: string;
  /** Rows per insert (default 200). */
  readonly batchSize?: number;
  /** Longest a row waits in memory before its batch is written (default 100 ms). */
  readonly flushIntervalMs?: number;
  /** Rows held in memory beyond this go to the spool instead, so a slow database cannot exhaust memory (default 50,000). */
  readonly maxBufferedRows?: number;
  /** Backoff between replay attempts while the database is down (default 250 ms doubling to 30 s). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Degraded operation, for logs and metrics. Called synchronously; must not throw. */
  readonly onEvent?: (event: LedgerWriterEvent) => void;
  /** Test seam: replaces the batch insert (for example to inject faults). */
  readonly insert?: LedgerInserter;
}

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

type Counters = { -readonly [K in Exclude<keyof LedgerWriterStats, 'buffered' | 'spoolPending' | 'databaseHealthy'>]: number };

export class LedgerWriter {
  readonly #db: Kysely<Database>;
  readonly #insert: LedgerInserter;
  readonly #spool: LedgerSpool;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #maxBufferedRows: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #onEvent: ((event: LedgerWriterEvent) => void) | undefined;

  #buffer: LedgerRecord[] = [];
  /** Rows taken from the buffer by the running drain, not yet stored anywhere. */
  #inFlight = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  /** Set while the spool cannot be written: drains wait for it instead of spinning. */
  #stallTimer: NodeJS.Timeout | undefined;
  #replayTimer: NodeJS.Timeout | undefined;
  #replaying: Promise<void> | undefined;
  #retryDelayMs: number;
  #databaseHealthy = true;
  #spoolPending = false;
  /** Counts successful spool appends, so a replay pass can tell whether rows arrived while it ran. */
  #appendSeq = 0;
  /** Rows replayed since the spool was last empty, reported when it is empty again. */
  #replayedSinceEmpty = 0;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  readonly #counters: Counters = {
    rowsWritten: 0,
    rowsSpooled: 0,
    rowsReplayed: 0,
    rowsDuplicate: 0,
    rowsRejected: 0,
    batchesFailed: 0,
  };

  constructor(options: LedgerWriterOptions) {
    this.#db = options.db;
    this.#insert = options.insert ?? insertLedgerRecords;
    this.#spool = new LedgerSpool(
      options.spoolPath,
      options.rejectedPath ?? options.spoolPath.replace(/(\.jsonl)?$/, '.rejected.jsonl'),
    );
    this.#batchSize = positive('batchSize', options.batchSize ?? 200);
    this.#flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? 100);
    this.#maxBufferedRows = Math.max(this.#batchSize, positive('maxBufferedRows', options.maxBufferedRows ?? 50_000));
    this.#retryInitialMs = positive('retryInitialMs', options.retryInitialMs ?? 250);
    this.#retryMaxMs = Math.max(this.#retryInitialMs, positive('retryMaxMs', options.retryMaxMs ?? 30_000));
    this.#retryDelayMs = this.#retryInitialMs;
    this.#onEvent = options.onEvent;
    // A spool left behind by an earlier process (crash, or shutdown while the database was down).
    this.#spoolPending = hasContent(options.spoolPath);
    this.#scheduleReplay(0);
  }

  /** Accepts a row for the ledger. Never waits, never throws. */
  write(entry: LedgerEntry): void {
    try {
      let record: LedgerRecord;
      try {
        record = toLedgerRecord(entry);
      } catch (err) {
        void this.#reject([{ reason: describeError(err), entry }]);
        return;
      }
      if (this.#state === 'closed') {
        void this.#spoolAfterClose([record]);
        return;
      }
      this.#buffer.push(record);
      if (this.#buffer.length >= this.#batchSize) this.#kick();
      else this.#armFlushTimer();
    } catch (err) {
      // Unreachable by design; if it happens the request still must not fail because of the ledger.
      this.#emit({ type: 'internal_error', error: err });
    }
  }

  /**
   * Writes every buffered row to the database (or, if it is down, the spool), and replays the spool
   * if the database is up. Rejects only if rows could be stored in neither; they stay in memory.
   */
  async flush(): Promise<void> {
    this.#clearTimer('flush');
    this.#clearTimer('stall');
    if (this.#draining) await this.#draining;
    if (this.#buffer.length > 0) await this.#startDrain();
    if (this.#buffer.length > 0) {
      throw new StorageUnavailableError(
        `${this.#buffer.length} ledger rows could be written to neither the database nor the spool file ${this.#spool.path}; they are still held in memory`,
      );
    }
    if (this.#databaseHealthy && this.#spoolPending) {
      this.#clearTimer('replay');
      await this.#replay();
    }
  }

  /** Flushes, then stops all timers. Rows written afterwards go straight to the spool file. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  stats(): LedgerWriterStats {
    return {
      ...this.#counters,
      buffered: this.#buffer.length + this.#inFlight,
      spoolPending: this.#spoolPending,
      databaseHealthy: this.#databaseHealthy,
    };
  }

  async #close(): Promise<void> {
    this.#state = 'closing';
    try {
      await this.flush();
    } finally {
      this.#clearTimer('replay');
      if (this.#replaying) await this.#replaying;
      if (this.#draining) await this.#draining;
      this.#clearTimer('flush');
      this.#clearTimer('stall');
      this.#state = 'closed';
      if (this.#buffer.length > 0) await this.#spoolAfterClose(this.#buffer.splice(0));
    }
  }

  #kick(): void {
    this.#clearTimer('flush');
    if (this.#draining || this.#stallTimer) return; // the running drain (or the stall retry) takes these rows too
    void this.#startDrain();
  }

  #startDrain(): Promise<void> {
    this.#draining ??= this.#drain()
      .catch((err: unknown) => this.#emit({ type: 'internal_error', error: err }))
      .finally(() => {
      this.#draining = undefined;
      // Rows that arrived as the drain finished must not wait for another write to move them.
      if (this.#buffer.length > 0 && !this.#stallTimer && this.#state !== 'closed') this.#armFlushTimer();
    });
    return this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      if (this.#buffer.length > this.#maxBufferedRows) {
        // The database is slower than the traffic: keep one batch for it, spool the rest.
        const overflow = this.#buffer.splice(this.#batchSize);
        this.#inFlight = overflow.length;
        const spooled = await this.#toSpool(overflow).finally(() => {
          this.#inFlight = 0;
        });
        if (!spooled) this.#buffer.push(...overflow);
      }
      const batch = this.#buffer.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      const stored = await this.#persist(batch).finally(() => {
        this.#inFlight = 0;
      });
      if (!stored) {
        this.#buffer.unshift(...batch);
        this.#stall();
        return;
      }
    }
  }

  /** Stores a batch somewhere durable; false only if both the database and the spool failed. */
  async #persist(batch: LedgerRecord[]): Promise<boolean> {
    const triedDatabase = this.#databaseHealthy;
    if (triedDatabase) {
      const stored = await this.#tryDatabase(batch);
      if (stored !== undefined) return stored;
    }
    if (await this.#toSpool(batch)) return true;
    // The spool is failing too. The database may have come back meanwhile: ask it directly
    // rather than wait for a replay that needs the spool.
    if (!triedDatabase) {
      const stored = await this.#tryDatabase(batch);
      if (stored !== undefined) {
        this.#databaseHealthy = true;
        return stored;
      }
    }
    return false;
  }

  /** True/false when the batch is accounted for (or not) by the database; undefined when it is unavailable. */
  async #tryDatabase(batch: LedgerRecord[]): Promise<boolean | undefined> {
    try {
      const inserted = await this.#insert(this.#db, batch);
      this.#counters.rowsWritten += batch.length;
      this.#counters.rowsDuplicate += batch.length - inserted;
      return true;
    } catch (err) {
      if (classifyDbError(err) === 'data') return this.#isolate(batch, 'rowsWritten');
      this.#counters.batchesFailed += 1;
      this.#databaseHealthy = false;
      this.#emit({ type: 'batch_failed', rows: batch.length, error: err });
      return undefined;
    }
  }

  /**
   * One row of a batch cannot be stored: insert the rows one at a time, set aside those that fail
   * on their own, keep the rest. True when every row is accounted for.
   */
  async #isolate(batch: LedgerRecord[], counter: 'rowsWritten' | 'rowsReplayed'): Promise<boolean> {
    for (let i = 0; i < batch.length; i += 1) {
      const record = batch[i]!;
      try {
        const inserted = await this.#insert(this.#db, [record]);
        this.#counters[counter] += 1;
        this.#counters.rowsDuplicate += 1 - inserted;
      } catch (err) {
        if (classifyDbError(err) === 'data') {
          await this.#reject([{ reason: describeError(err), record }]);
          continue;
        }
        // The database went away meanwhile. A replay stops here and offers the whole batch again
        // later (stored rows are skipped then); a fresh batch spools what is left.
        if (counter === 'rowsReplayed') return false;
        this.#counters.batchesFailed += 1;
        this.#databaseHealthy = false;
        this.#emit({ type: 'batch_failed', rows: batch.length - i, error: err });
        return this.#toSpool(batch.slice(i));
      }
    }
    return true;
  }

  async #toSpool(records: LedgerRecord[]): Promise<boolean> {
    try {
      await this.#spool.append(records);
    } catch (err) {
      this.#emit({ type: 'spool_failed', rows: records.length, error: err });
      return false;
    }
    this.#counters.rowsSpooled += records.length;
    this.#appendSeq += 1;
    this.#spoolPending = true;
    this.#scheduleReplay(this.#retryDelayMs);
    return true;
  }

  async #spoolAfterClose(records: LedgerRecord[]): Promise<void> {
    try {
      await this.#spool.appendNow(records);
      this.#counters.rowsSpooled += records.length;
      this.#appendSeq += 1;
      this.#spoolPending = true;
    } catch (err) {
      // Closed: there is no later attempt, so the rows go to the log through the event.
      this.#emit({ type: 'reject_failed', items: records.map((record) => ({ reason: 'spool unwritable after close', record })), error: err });
    }
  }

  async #reject(items: RejectedItem[]): Promise<void> {
    try {
      await this.#spool.reject(items);
      this.#counters.rowsRejected += items.length;
      this.#emit({ type: 'rows_rejected', rows: items.length, reason: items[0]?.reason ?? '' });
    } catch (err) {
      this.#emit({ type: 'reject_failed', items, error: err });
    }
  }

  #scheduleReplay(delayMs: number): void {
    // While closing, flush() replays directly; nothing new is scheduled.
    if (this.#replayTimer || this.#replaying || this.#state !== 'open') return;
    this.#replayTimer = setTimeout(() => {
      this.#replayTimer = undefined;
      void this.#replay();
    }, delayMs);
    // The spooled rows are safe on disk: a pending retry need not keep the process alive.
    this.#replayTimer.unref();
  }

  #replay(): Promise<void> {
    this.#replaying ??= this.#replayPass()
      .catch((err: unknown) => {
        this.#emit({ type: 'internal_error', error: err });
        return 'failed' as const;
      })
      .then((outcome) => {
        this.#replaying = undefined;
        if (outcome === 'progress') this.#scheduleReplay(0);
        else if (outcome === 'failed') this.#scheduleReplay(this.#retryDelayMs);
      });
    return this.#replaying;
  }

  async #replayPass(): Promise<'complete' | 'progress' | 'failed'> {
    const appendSeq = this.#appendSeq;
    let failure: unknown;
    let result: SpoolDrainResult | undefined;
    try {
      result = await this.#spool.drain(this.#batchSize, async (batch) => {
        try {
          const inserted = await this.#insert(this.#db, batch);
          this.#counters.rowsReplayed += batch.length;
          this.#counters.rowsDuplicate += batch.length - inserted;
          return true;
        } catch (err) {
          if (classifyDbError(err) === 'data') return this.#isolate(batch, 'rowsReplayed');
          failure = err;
          return false;
        }
      });
    } catch (err) {
      failure = err; // the spool file itself could not be read or compacted
    }
    this.#replayedSinceEmpty += result?.replayed ?? 0;
    if (result && result.rejected > 0) {
      this.#counters.rowsRejected += result.rejected;
      this.#emit({ type: 'rows_rejected', rows: result.rejected, reason: 'unreadable spool lines' });
    }
    // An append that finished during this pass may have landed after the file was emptied: only
    // a pass during which nothing was appended may declare the spool empty.
    if (result?.complete && this.#appendSeq === appendSeq) {
      this.#spoolPending = false;
      this.#databaseHealthy = true;
      this.#retryDelayMs = this.#retryInitialMs;
      if (this.#replayedSinceEmpty > 0) this.#emit({ type: 'replayed', rows: this.#replayedSinceEmpty });
      this.#replayedSinceEmpty = 0;
      return 'complete';
    }
    this.#spoolPending = true;
    if (failure === undefined) return 'progress'; // rows were appended while this pass ran
    const retryInMs = this.#retryDelayMs;
    // Doubling with ±20 % jitter, so replicas that lost the same database do not retry in step.
    this.#retryDelayMs = Math.min(this.#retryMaxMs, Math.round(this.#retryDelayMs * 2 * (0.8 + Math.random() * 0.4)));
    this.#emit({ type: 'replay_failed', retryInMs, error: failure });
    return 'failed';
  }

  #armFlushTimer(): void {
    if (this.#flushTimer || this.#draining || this.#stallTimer) return;
    // Not unref'd: these rows exist only in memory, so a process must not exit before they move.
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#kick();
    }, this.#flushIntervalMs);
  }

  #stall(): void {
    if (this.#stallTimer || this.#state === 'closed') return;
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      this.#kick();
    }, this.#retryDelayMs);
  }

  #clearTimer(which: 'flush' | 'stall' | 'replay'): void {
    if (which === 'flush') {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    } else if (which === 'stall') {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
    } else {
      clearTimeout(this.#replayTimer);
      this.#replayTimer = undefined;
    }
  }

  #emit(event: LedgerWriterEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      /* a failing observer must not break the writer */
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`LedgerWriter option ${name} must be a positive number, got ${value}`);
  return value;
}

function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
