// Open loop: requests leave at a fixed rate whatever the responses do, and latency counts from the
// time each request was *scheduled*, so a stall in the server shows up as queueing delay instead of
// silently lowering the rate (coordinated omission).
import type { Pool } from 'undici';
import { Segment } from './segment.js';
import { sendRequest } from './send-request.js';
import type { Target } from './target.js';

export function runOpenLoop(pool: Pool, target: Target, ratePerSecond: number, durationMs: number): Promise<Segment> {
  const seg = new Segment(target.name);
  const total = Math.max(1, Math.round((ratePerSecond * durationMs) / 1000));
  const interval = 1000 / ratePerSecond;
  return new Promise((resolve) => {
    let sent = 0;
    let finished = 0;
    const start = performance.now() + 1;
    seg.startedAt = start;
    const tick = (): void => {
      const now = performance.now();
      while (sent < total) {
        const scheduled = start + sent * interval;
        if (scheduled > now) break;
        seg.sendLag.add(now - scheduled);
        sent++;
        sendRequest(pool, target, (failure, firstByteAt, endAt) => {
          seg.record(scheduled, failure, firstByteAt, endAt);
          if (++finished === total) {
            seg.endedAt = endAt;
            resolve(seg);
          }
        });
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 1);
  });
}
