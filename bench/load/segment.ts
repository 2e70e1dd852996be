// What one stretch of load against one target measured: outcomes, latency distributions and the
// wall-clock window (the CPU readings of the processes are taken over exactly this window).
import { Samples } from './samples.js';
import type { TargetName } from './target.js';

export class Segment {
  readonly latency = new Samples();
  /** Time to the first byte of the response body (streams only). */
  readonly ttfb = new Samples();
  /** Open loop: how late the generator actually sent each request after its scheduled time. */
  readonly sendLag = new Samples();
  readonly errors = new Map<string, number>();
  ok = 0;
  startedAt = NaN;
  endedAt = NaN;

  constructor(readonly target: TargetName) {}

  get wallMs(): number {
    return this.endedAt - this.startedAt;
  }

  get failed(): number {
    let n = 0;
    for (const c of this.errors.values()) n += c;
    return n;
  }

  /** Latency and TTFB are measured from `from` (the scheduled send time in the open loop). */
  record(from: number, failure: string | undefined, firstByteAt: number, endAt: number): void {
    if (failure !== undefined) {
      this.errors.set(failure, (this.errors.get(failure) ?? 0) + 1);
      return;
    }
    this.ok++;
    this.latency.add(endAt - from);
    if (!Number.isNaN(firstByteAt)) this.ttfb.add(firstByteAt - from);
  }
}
