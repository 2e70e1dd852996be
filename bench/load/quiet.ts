// Other engineers' builds and tests share this machine. Before measuring, wait (a bounded time)
// until the cores are nearly idle, and say in the report how busy they were.
import { coreTimes } from './proc-stats.js';

export interface Quiet {
  readonly waitedMs: number;
  /** Cores' worth of CPU used by everything else (plus steal) in the last one-second probe. */
  readonly othersCores: number;
  readonly quiet: boolean;
}

/** Below this many cores' worth of other work, the machine counts as quiet. */
export const QUIET_BELOW = 0.15;

function busyNow(): number {
  return coreTimes().reduce((sum, c) => sum + c.busy + c.steal, 0);
}

export async function waitForQuiet(maxWaitMs: number, log: (line: string) => void): Promise<Quiet> {
  const start = performance.now();
  let others = NaN;
  for (;;) {
    const t0 = performance.now();
    const b0 = busyNow();
    await new Promise((r) => setTimeout(r, 1_000));
    others = (busyNow() - b0) / (performance.now() - t0);
    const waited = performance.now() - start;
    if (!(others >= QUIET_BELOW)) return { waitedMs: waited, othersCores: others, quiet: true };
    if (waited >= maxWaitMs) return { waitedMs: waited, othersCores: others, quiet: false };
    log(`waiting for a quiet machine: other work is using ${others.toFixed(2)} cores`);
  }
}
