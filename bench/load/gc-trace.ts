// Reads the `node --trace-gc` lines a gateway printed to its log and sums its pauses by kind.
import { readFileSync } from 'node:fs';

export interface GcKind {
  readonly kind: string;
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

// e.g. "[123:0x…]   3342 ms: Mark-Compact 49.7 (69.8) -> 22.4 (69.8) MB, 14.37 / 1.10 ms  (…"
const LINE = /\d+ ms: ([A-Za-z-]+(?: [A-Za-z-]+)*) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

/** Pauses from `sinceMs` (the process's own clock in the trace) onwards. */
export function summarizeGcTrace(file: string, sinceMs = 0): GcKind[] {
  const kinds = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = /\]\s+(\d+) ms:/.exec(line);
    const m = LINE.exec(line);
    if (!m || !at || Number(at[1]) < sinceMs) continue;
    const kind = m[1] as string;
    const pause = Number(m[2]);
    const k = kinds.get(kind) ?? { count: 0, totalMs: 0, maxMs: 0 };
    k.count++;
    k.totalMs += pause;
    k.maxMs = Math.max(k.maxMs, pause);
    kinds.set(kind, k);
  }
  return [...kinds.entries()].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => b.totalMs - a.totalMs);
}
