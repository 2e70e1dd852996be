// The local file ledger rows go to when the database cannot take them: JSON lines, each append
// fsync'd before it counts as spooled. Draining replays the file front to back and then removes
// what was replayed, by copying the unreplayed tail to a new file and renaming it over the old
// one. A crash at any point leaves either the old file or the new one; rows in both are simply
// offered to the database again, which stores each request_id once.
//
// One process owns a spool file. Appends and compaction are serialised by a lock inside this
// object; the replay itself reads without the lock, up to the size the file had when it started.
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkLedgerRecord, LEDGER_COLUMNS, type LedgerRecord } from './ledger-entry.js';

const SPOOL_FORMAT_VERSION = 1;
const READ_CHUNK_BYTES = 1 << 20;

export interface SpoolDrainResult {
  /** Records replayed and accepted by the handler. */
  readonly replayed: number;
  /** Lines that could not be decoded; copied to the rejected file. */
  readonly rejected: number;
  /** True when the spool file is gone: everything in it was replayed or rejected. */
  readonly complete: boolean;
}

/** Something set aside for a person to look at, never silently dropped. */
export interface RejectedItem {
  readonly reason: string;
  readonly record?: LedgerRecord;
  /** The entry as handed to the writer, when it could not become a record. */
  readonly entry?: unknown;
  /** A spool line that could not be decoded. */
  readonly line?: string;
}

export class LedgerSpool {
  #lock: Promise<unknown> = Promise.resolve();
  #rejectLock: Promise<unknown> = Promise.resolve();
  #lockHolders = 0;
  #tailChecked = false;
  #draining = false;

  constructor(
    readonly path: string,
    readonly rejectedPath: string,
  ) {}

  /** Appends records durably (written and fsync'd) or throws. */
  append(records: readonly LedgerRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.#locked(async () => {
      await this.#repairTail();
      try {
        await appendDurably(this.path, records.map(encodeSpoolLine).join(''));
      } catch (err) {
        // A failed write (disk full) may have left part of a line: check the tail again next time.
        this.#tailChecked = false;
        throw err;
      }
    });
  }

  /**
   * Appends without yielding, for the writer after it has closed (no timers left to do it later).
   * If an asynchronous operation is still running, the append is queued behind it instead, so a
   * compaction in progress cannot lose it.
   */
  appendNow(records: readonly LedgerRecord[]): Promise<void> {
    if (this.#lockHolders > 0 || !this.#tailChecked) return this.append(records);
    try {
      appendDurablySync(this.path, records.map(encodeSpoolLine).join(''));
    } catch (err) {
      this.#tailChecked = false;
      return Promise.reject(err);
    }
    return Promise.resolve();
  }

  /** Copies items to the rejected file (JSON lines, fsync'd), one append at a time. */
  reject(items: readonly RejectedItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const at = Date.now();
    const lines = items.map((item) => `${safeJson({ rejected_at: at, ...item })}\n`).join('');
    const run = this.#rejectLock.then(() => appendDurably(this.rejectedPath, lines));
    this.#rejectLock = run.catch(() => undefined);
    return run;
  }

  /** Size in bytes of the spool file (0 when there is none). */
  async size(): Promise<number> {
    return fileSize(this.path);
  }

  /**
   * Offers the spooled records to `handle` in batches, in file order. `handle` resolves true when
   * a batch is stored (or otherwise accounted for), false to stop (the database is unavailable).
   * Whatever was accounted for is then removed from the file.
   */
  async drain(batchSize: number, handle: (batch: LedgerRecord[]) => Promise<boolean>): Promise<SpoolDrainResult> {
    if (this.#draining) throw new Error('LedgerSpool.drain is already running');
    this.#draining = true;
    try {
      return await this.#drain(batchSize, handle);
    } finally {
      this.#draining = false;
    }
  }

  async #drain(batchSize: number, handle: (batch: LedgerRecord[]) => Promise<boolean>): Promise<SpoolDrainResult> {
    const size = await this.#locked(() => this.#repairTail());
    if (size === 0) return { replayed: 0, rejected: 0, complete: true };
    let replayed = 0;
    let rejected = 0;
    // Bytes from the start of the file that are replayed or rejected, and so may be removed.
    let doneOffset = 0;
    let stopped = false;
    let batch: LedgerRecord[] = [];
    let batchEnd = 0;
    const fh = await open(this.path, 'r');
    try {
      for await (const { line, end } of readLines(fh, size)) {
        if (line.trim() === '') {
          if (batch.length === 0) doneOffset = end;
          continue;
        }
        let record: LedgerRecord;
        try {
          record = decodeSpoolLine(line);
        } catch (err) {
          // If the batch around it fails later this line is rejected again next pass: a duplicate
          // in the rejected file is harmless, a missing one is not.
          await this.reject([{ reason: `unreadable spool line: ${err instanceof Error ? err.message : String(err)}`, line }]);
          rejected += 1;
          if (batch.length === 0) doneOffset = end;
          continue;
        }
        batch.push(record);
        batchEnd = end;
        if (batch.length >= batchSize) {
          if (!(await handle(batch))) {
            stopped = true;
            break;
          }
          replayed += batch.length;
          doneOffset = batchEnd;
          batch = [];
        }
      }
      if (!stopped && batch.length > 0) {
        if (await handle(batch)) {
          replayed += batch.length;
          doneOffset = batchEnd;
        } else {
          stopped = true;
        }
      }
      if (!stopped) doneOffset = size;
    } finally {
      await fh.close();
    }
    const remaining = await this.#locked(() => this.#removeHead(doneOffset));
    return { replayed, rejected, complete: remaining === 0 };
  }

  /** Drops the first `offset` bytes; returns the bytes left. */
  async #removeHead(offset: number): Promise<number> {
    const size = await fileSize(this.path);
    if (offset === 0) return size;
    if (offset >= size) {
      await unlink(this.path).catch(ignoreMissing);
      await fsyncDir(dirname(this.path));
      return 0;
    }
    const tmp = `${this.path}.compact`;
    const src = await open(this.path, 'r');
    const dst = await open(tmp, 'w');
    try {
      const buf = Buffer.alloc(READ_CHUNK_BYTES);
      for (let pos = offset; pos < size; ) {
        const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, size - pos), pos);
        if (bytesRead === 0) break;
        await dst.write(buf, 0, bytesRead);
        pos += bytesRead;
      }
      await dst.datasync();
    } finally {
      await src.close();
      await dst.close();
    }
    await rename(tmp, this.path);
    await fsyncDir(dirname(this.path));
    return size - offset;
  }

  /**
   * A crash in the middle of an append can leave a last line without its newline; the next append
   * would then glue a good record onto it. Ending the torn line first keeps the damage to that
   * one line (which replay moves to the rejected file). Returns the file size.
   */
  async #repairTail(): Promise<number> {
    const size = await fileSize(this.path);
    if (!this.#tailChecked && size > 0) {
      const fh = await open(this.path, 'r');
      const last = Buffer.alloc(1);
      try {
        await fh.read(last, 0, 1, size - 1);
      } finally {
        await fh.close();
      }
      if (last[0] !== 0x0a) {
        await appendDurably(this.path, '\n');
        this.#tailChecked = true;
        return size + 1;
      }
    }
    this.#tailChecked = true;
    return size;
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    this.#lockHolders += 1;
    const run = this.#lock.then(fn, fn).finally(() => {
      this.#lockHolders -= 1;
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

export function encodeSpoolLine(record: LedgerRecord): string {
  return `${JSON.stringify({ v: SPOOL_FORMAT_VERSION, ...record, cost_nanos: record.cost_nanos.toString() })}\n`;
}

/** Rebuilds a record from exactly the ledger columns, checked as strictly as a new entry. */
export function decodeSpoolLine(line: string): LedgerRecord {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  const obj = parsed as Record<string, unknown>;
  if (obj.v !== SPOOL_FORMAT_VERSION) throw new Error(`unknown spool format version ${String(obj.v)}`);
  const cost = obj.cost_nanos;
  if (typeof cost !== 'string' || !/^-?\d+$/.test(cost)) throw new Error('cost_nanos is not an integer string');
  const record: Record<string, unknown> = {};
  for (const column of LEDGER_COLUMNS) record[column] = obj[column];
  record.cost_nanos = BigInt(cost);
  return checkLedgerRecord(record as unknown as LedgerRecord);
}

async function* readLines(fh: FileHandle, limit: number): AsyncGenerator<{ line: string; end: number }> {
  const chunk = Buffer.alloc(READ_CHUNK_BYTES);
  let carry = Buffer.alloc(0);
  let pos = 0;
  while (pos < limit) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, limit - pos), pos);
    if (bytesRead === 0) break;
    const buf = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    const base = pos - carry.length;
    pos += bytesRead;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      yield { line: buf.toString('utf8', start, nl), end: base + nl + 1 };
      start = nl + 1;
    }
    carry = buf.subarray(start);
  }
  if (carry.length > 0) yield { line: carry.toString('utf8'), end: pos };
}

async function appendDurably(path: string, text: string): Promise<void> {
  const created = (await fileSize(path).catch(() => 0)) === 0;
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'a');
  try {
    await fh.write(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  // A new file's directory entry must be durable too, or a power cut could lose the whole file.
  if (created) await fsyncDir(dirname(path));
}

function appendDurablySync(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync; the rename itself is still atomic.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}

/** JSON that survives what a buggy caller may hand over: bigints, cycles, throwing getters. */
function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch (err) {
    return JSON.stringify({ unserialisable: err instanceof Error ? err.message : String(err) });
  }
}
