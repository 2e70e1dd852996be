// The scenarios of a run. Each one is measured against the simulator directly and through the
// gateway, in alternating rounds (see interleave.ts); segment lengths are per target per round.

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly stream: boolean;
  /** open: fixed rate (requests per second); closed: fixed number in flight. */
  readonly load: { readonly mode: 'open'; readonly rate: number } | { readonly mode: 'closed'; readonly concurrency: number };
  readonly rounds: number;
  readonly segmentMs: number;
  /** Discarded load per target before the measured rounds (JIT, connections). */
  readonly warmupMs: number;
}

export const FIXED_RATE_JSON = 'fixed-1000-json';
export const FIXED_RATE_STREAM = 'fixed-500-stream';
export const MAX_JSON = 'max-json';
export const MAX_STREAM = 'max-stream';
export const TARGET_RATE_JSON = 'fixed-5000-json';

export function scenarios(quick: boolean): Scenario[] {
  const rounds = quick ? 2 : 4;
  const segmentMs = quick ? 1_500 : 2_500;
  const warmupMs = quick ? 500 : 1_500;
  return [
    { id: FIXED_RATE_JSON, title: 'Fixed rate, non-streaming, 1,000 req/s', stream: false, load: { mode: 'open', rate: 1_000 }, rounds, segmentMs, warmupMs },
    { id: FIXED_RATE_STREAM, title: 'Fixed rate, streaming, 500 streams/s', stream: true, load: { mode: 'open', rate: 500 }, rounds, segmentMs, warmupMs },
    { id: MAX_JSON, title: 'Maximum throughput, non-streaming, 64 in flight', stream: false, load: { mode: 'closed', concurrency: 64 }, rounds, segmentMs, warmupMs },
    { id: MAX_STREAM, title: 'Maximum throughput, streaming, 64 in flight', stream: true, load: { mode: 'closed', concurrency: 64 }, rounds, segmentMs, warmupMs },
    // The throughput target offered as a fixed rate: if the gateway cannot keep up, queueing shows.
    { id: TARGET_RATE_JSON, title: 'Fixed rate, non-streaming, 5,000 req/s', stream: false, load: { mode: 'open', rate: 5_000 }, rounds: 2, segmentMs: quick ? 1_500 : 2_500, warmupMs },
  ];
}
