// Ledger rows leave the request path here (M8: accounting must never be dropped under load).
// `write()` only validates and buffers: it never waits and never throws. Buffered rows go out in
// batches (every `batchSize` rows or `flushIntervalMs`), one multi-row insert per batch that skips
// request_ids already stored; where a batch ends up when the database cannot take it (spool file,
// replay) is LedgerBatchStore's business.
import type { Kysely } from 'kysely';
import { describeError } from './db-error-kind.js';
import { LedgerBatchStore } from './ledger-batch-store.js';
import { toLedgerRecord, type LedgerEntry, type LedgerRecord } from './ledger-entry.js';
import { insertLedgerRecords, type LedgerInserter } from './ledger-insert.js';
import { emitSafely, type LedgerWriterEvent, type LedgerWriterStats } from './ledger-writer-events.js';
import type { Database } from './schema.js';
import { StorageUnavailableError } from './storage-errors.js';

export type { LedgerWriterEvent, LedgerWriterStats } from './ledger-writer-events.js';

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

export class LedgerWriter {
  readonly #store: LedgerBatchStore;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #maxBufferedRows: number;
  readonly #onEvent: ((event: LedgerWriterEvent) => void) | undefined;

  #buffer: LedgerRecord[] = [];
  /** Rows taken from the buffer by the running drain, not yet stored anywhere. */
  #inFlight = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  /** Set while the spool cannot be written: drains wait for it instead of spinning. */
  #stallTimer: NodeJS.Timeout | undefined;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;

  constructor(options: LedgerWriterOptions) {
    this.#batchSize = positive('batchSize', options.batchSize ?? 200);
    this.#flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? 100);
    this.#maxBufferedRows = Math.max(this.#batchSize, positive('maxBufferedRows', options.maxBufferedRows ?? 50_000));
    const retryInitialMs = positive('retryInitialMs', options.retryInitialMs ?? 250);
    this.#onEvent = options.onEvent;
    this.#store = new LedgerBatchStore({
      db: options.db,
      insert: options.insert ?? insertLedgerRecords,
      spoolPath: options.spoolPath,
      rejectedPath: options.rejectedPath ?? options.spoolPath.replace(/(\.jsonl)?$/, '.rejected.jsonl'),
      batchSize: this.#batchSize,
      retryInitialMs,
      retryMaxMs: Math.max(retryInitialMs, positive('retryMaxMs', options.retryMaxMs ?? 30_000)),
      onEvent: options.onEvent,
    });
  }

  /** Accepts a row for the ledger. Never waits, never throws. */
  write(entry: LedgerEntry): void {
    try {
      let record: LedgerRecord;
      try {
        record = toLedgerRecord(entry);
      } catch (err) {
        void this.#store.reject([{ reason: describeError(err), entry }]);
        return;
      }
      if (this.#state === 'closed') {
        void this.#store.spoolAfterClose([record]);
        return;
      }
      this.#buffer.push(record);
      if (this.#buffer.length >= this.#batchSize) this.#kick();
      else this.#armFlushTimer();
    } catch (err) {
      // Unreachable by design; if it happens the request still must not fail because of the ledger.
      emitSafely(this.#onEvent, { type: 'internal_error', error: err });
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
        `${this.#buffer.length} ledger rows could be written to neither the database nor the spool file ${this.#store.spoolPath}; they are still held in memory`,
      );
    }
    await this.#store.replayIfPending();
  }

  /** Flushes, then stops all timers. Rows written afterwards go straight to the spool file. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  stats(): LedgerWriterStats {
    return {
      ...this.#store.counters,
      buffered: this.#buffer.length + this.#inFlight,
      spoolPending: this.#store.spoolPending,
      databaseHealthy: this.#store.databaseHealthy,
    };
  }

  async #close(): Promise<void> {
    this.#state = 'closing';
    this.#store.beginClose();
    try {
      await this.flush();
    } finally {
      await this.#store.stop();
      if (this.#draining) await this.#draining;
      this.#clearTimer('flush');
      this.#clearTimer('stall');
      this.#state = 'closed';
      if (this.#buffer.length > 0) await this.#store.spoolAfterClose(this.#buffer.splice(0));
    }
  }

  #kick(): void {
    this.#clearTimer('flush');
    if (this.#draining || this.#stallTimer) return; // the running drain (or the stall retry) takes these rows too
    void this.#startDrain();
  }

  #startDrain(): Promise<void> {
    this.#draining ??= this.#drain()
      .catch((err: unknown) => emitSafely(this.#onEvent, { type: 'internal_error', error: err }))
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
        const spooled = await this.#store.toSpool(overflow).finally(() => {
          this.#inFlight = 0;
        });
        if (!spooled) this.#buffer.push(...overflow);
      }
      const batch = this.#buffer.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      const stored = await this.#store.persist(batch).finally(() => {
        this.#inFlight = 0;
      });
      if (!stored) {
        this.#buffer.unshift(...batch);
        this.#stall();
        return;
      }
    }
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
    }, this.#store.retryDelayMs);
  }

  #clearTimer(which: 'flush' | 'stall'): void {
    if (which === 'flush') {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    } else {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`LedgerWriter option ${name} must be a positive number, got ${value}`);
  return value;
}
