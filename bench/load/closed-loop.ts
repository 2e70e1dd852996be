// Closed loop: `concurrency` requests always in flight, each replaced as soon as it completes,
// until the duration is up. Measures the most the target can serve (requests or streams per second).
import type { Pool } from 'undici';
import { Segment } from './segment.js';
import { sendRequest } from './send-request.js';
import type { Target } from './target.js';

export function runClosedLoop(pool: Pool, target: Target, concurrency: number, durationMs: number): Promise<Segment> {
  const seg = new Segment(target.name);
  return new Promise((resolve) => {
    const start = performance.now();
    const deadline = start + durationMs;
    seg.startedAt = start;
    let running = concurrency;
    const next = (): void => {
      const sentAt = performance.now();
      sendRequest(pool, target, (failure, firstByteAt, endAt) => {
        seg.record(sentAt, failure, firstByteAt, endAt);
        if (endAt < deadline) return next();
        if (--running === 0) {
          seg.endedAt = endAt;
          resolve(seg);
        }
      });
    };
    for (let i = 0; i < concurrency; i++) next();
  });
}
