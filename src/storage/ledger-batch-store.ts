// Where a batch of ledger rows ends up, once the writer has taken it off the request path: the
// database, else the spool file (fsync'd), else — only for rows that can never be stored (invalid
// fields, a constraint) — the rejected file beside the spool, with the reason. Never nowhere.
//
// While the database is down every batch goes straight to the spool, so requests never queue
// behind a dead connection, and a background replay retries with backoff (doubling, with jitter).
// A spool left by a previous process is replayed at construction.
import { statSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { classifyDbError, describeError } from './db-error-kind.js';
import type { LedgerRecord } from './ledger-entry.js';
import type { LedgerInserter } from './ledger-insert.js';
import { LedgerSpool, type RejectedItem, type SpoolDrainResult } from './ledger-spool.js';
import { emitSafely, type LedgerWriterCounters, type LedgerWriterEvent } from './ledger-writer-events.js';
import type { Database } from './schema.js';

export interface LedgerBatchStoreOptions {
  readonly db: Kysely<Database>;
  readonly insert: LedgerInserter;
  readonly spoolPath: string;
  readonly rejectedPath: string;
  /** Rows per insert when replaying the spool. */
  readonly batchSize: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly onEvent: ((event: LedgerWriterEvent) => void) | undefined;
}

export class LedgerBatchStore {
  readonly counters: LedgerWriterCounters = {
    rowsWritten: 0,
    rowsSpooled: 0,
    rowsReplayed: 0,
    rowsDuplicate: 0,
    rowsRejected: 0,
    batchesFailed: 0,
  };
  readonly #db: Kysely<Database>;
  readonly #insert: LedgerInserter;
  readonly #spool: LedgerSpool;
  readonly #batchSize: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #onEvent: ((event: LedgerWriterEvent) => void) | undefined;

  #replayTimer: NodeJS.Timeout | undefined;
  #replaying: Promise<void> | undefined;
  #retryDelayMs: number;
  #databaseHealthy = true;
  #spoolPending = false;
  /** Counts successful spool appends, so a replay pass can tell whether rows arrived while it ran. */
  #appendSeq = 0;
  /** Rows replayed since the spool was last empty, reported when it is empty again. */
  #replayedSinceEmpty = 0;
  /** Once closing, nothing new is scheduled: the writer's final flush replays directly. */
  #closing = false;

  constructor(options: LedgerBatchStoreOptions) {
    this.#db = options.db;
    this.#insert = options.insert;
    this.#spool = new LedgerSpool(options.spoolPath, options.rejectedPath);
    this.#batchSize = options.batchSize;
    this.#retryInitialMs = options.retryInitialMs;
    this.#retryMaxMs = options.retryMaxMs;
    this.#retryDelayMs = options.retryInitialMs;
    this.#onEvent = options.onEvent;
    // A spool left behind by an earlier process (crash, or shutdown while the database was down).
    this.#spoolPending = hasContent(options.spoolPath);
    this.#scheduleReplay(0);
  }

  get spoolPath(): string {
    return this.#spool.path;
  }
  get databaseHealthy(): boolean {
    return this.#databaseHealthy;
  }
  get spoolPending(): boolean {
    return this.#spoolPending;
  }
  /** The current backoff, which the writer also waits while neither database nor spool works. */
  get retryDelayMs(): number {
    return this.#retryDelayMs;
  }

  /** Stores a batch somewhere durable; false only if both the database and the spool failed. */
  async persist(batch: LedgerRecord[]): Promise<boolean> {
    const triedDatabase = this.#databaseHealthy;
    if (triedDatabase) {
      const stored = await this.#tryDatabase(batch);
      if (stored !== undefined) return stored;
    }
    if (await this.toSpool(batch)) return true;
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

  /** Appends to the spool and schedules its replay; false (and an event) if the file cannot be written. */
  async toSpool(records: LedgerRecord[]): Promise<boolean> {
    try {
      await this.#spool.append(records);
    } catch (err) {
      this.#emit({ type: 'spool_failed', rows: records.length, error: err });
      return false;
    }
    this.#counters('rowsSpooled', records.length);
    this.#appendSeq += 1;
    this.#spoolPending = true;
    this.#scheduleReplay(this.#retryDelayMs);
    return true;
  }

  /** After close there is no later attempt: write synchronously, or hand the rows to the log. */
  async spoolAfterClose(records: LedgerRecord[]): Promise<void> {
    try {
      await this.#spool.appendNow(records);
      this.#counters('rowsSpooled', records.length);
      this.#appendSeq += 1;
      this.#spoolPending = true;
    } catch (err) {
      this.#emit({ type: 'reject_failed', items: records.map((record) => ({ reason: 'spool unwritable after close', record })), error: err });
    }
  }

  async reject(items: RejectedItem[]): Promise<void> {
    try {
      await this.#spool.reject(items);
      this.#counters('rowsRejected', items.length);
      this.#emit({ type: 'rows_rejected', rows: items.length, reason: items[0]?.reason ?? '' });
    } catch (err) {
      this.#emit({ type: 'reject_failed', items, error: err });
    }
  }

  /** Replays the spool now if the database is up and the spool has rows. */
  async replayIfPending(): Promise<void> {
    if (!this.#databaseHealthy || !this.#spoolPending) return;
    this.#clearReplayTimer();
    await this.#replay();
  }

  /** From now on no replay is scheduled (the writer's final flush replays directly). */
  beginClose(): void {
    this.#closing = true;
  }

  /** Stops scheduling replays and waits for a running one. */
  async stop(): Promise<void> {
    this.#closing = true;
    this.#clearReplayTimer();
    if (this.#replaying) await this.#replaying;
  }

  /** True/false when the batch is accounted for (or not) by the database; undefined when it is unavailable. */
  async #tryDatabase(batch: LedgerRecord[]): Promise<boolean | undefined> {
    try {
      const inserted = await this.#insert(this.#db, batch);
      this.#counters('rowsWritten', batch.length);
      this.#counters('rowsDuplicate', batch.length - inserted);
      return true;
    } catch (err) {
      if (classifyDbError(err) === 'data') return this.#isolate(batch, 'rowsWritten');
      this.#counters('batchesFailed', 1);
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
        this.#counters(counter, 1);
        this.#counters('rowsDuplicate', 1 - inserted);
      } catch (err) {
        if (classifyDbError(err) === 'data') {
          await this.reject([{ reason: describeError(err), record }]);
          continue;
        }
        // The database went away meanwhile. A replay stops here and offers the whole batch again
        // later (stored rows are skipped then); a fresh batch spools what is left.
        if (counter === 'rowsReplayed') return false;
        this.#counters('batchesFailed', 1);
        this.#databaseHealthy = false;
        this.#emit({ type: 'batch_failed', rows: batch.length - i, error: err });
        return this.toSpool(batch.slice(i));
      }
    }
    return true;
  }

  #scheduleReplay(delayMs: number): void {
    if (this.#replayTimer || this.#replaying || this.#closing) return;
    this.#replayTimer = setTimeout(() => {
      this.#replayTimer = undefined;
      void this.#replay();
    }, delayMs);
    // The spooled rows are safe on disk: a pending retry need not keep the process alive.
    this.#replayTimer.unref();
  }

  #clearReplayTimer(): void {
    clearTimeout(this.#replayTimer);
    this.#replayTimer = undefined;
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
          this.#counters('rowsReplayed', batch.length);
          this.#counters('rowsDuplicate', batch.length - inserted);
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
      this.#counters('rowsRejected', result.rejected);
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

  #counters(name: keyof LedgerWriterCounters, by: number): void {
    this.counters[name] += by;
  }

  #emit(event: LedgerWriterEvent): void {
    emitSafely(this.#onEvent, event);
  }
}

function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
