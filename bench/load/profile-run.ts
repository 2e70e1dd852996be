// When asked, a separate short run against a second gateway started with `node --cpu-prof`, so the
// profiler's overhead never touches the measured figures. The profile is written when the gateway
// exits on SIGTERM and summarized by cpu-profile.ts.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { runClosedLoop } from './closed-loop.js';
import { runOpenLoop } from './open-loop.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { summarizeGcTrace, type GcKind } from './gc-trace.js';
import type { Pinning } from './pinning.js';
import { startGateway } from './processes.js';
import { chatTarget } from './target.js';

export interface ProfileOutcome {
  readonly workload: string;
  readonly file: string;
  readonly summary: ProfileSummary;
  /** GC pauses during the profiled load (from --trace-gc), and that load's wall time. */
  readonly gc: readonly GcKind[];
  readonly loadMs: number;
}

export const PROFILE_CONCURRENCY = 64;
const JSON_RATE = 1_000;
const STREAM_RATE = 500;

export async function profileGateway(pinning: Pinning, upstreamOrigin: string, workDir: string, jsonMs: number, streamMs: number): Promise<ProfileOutcome> {
  const dir = join(workDir, 'cpu-prof');
  mkdirSync(dir, { recursive: true });
  const spawnedAt = performance.now();
  const gw = await startGateway(pinning, { upstreamOrigin, workDir, label: 'gateway-profiled', nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--trace-gc'] });
  const pool = new Pool(gw.origin, { connections: PROFILE_CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 });
  let startupMs = 0;
  let loadMs = NaN;
  try {
    // Let the JIT settle, then count only what follows: start-up is not what a request costs.
    await runClosedLoop(pool, chatTarget('gateway', gw.origin, false), PROFILE_CONCURRENCY, 1_000);
    await runClosedLoop(pool, chatTarget('gateway', gw.origin, true), PROFILE_CONCURRENCY, 500);
    startupMs = performance.now() - spawnedAt;
    // The rates of the fixed-rate scenarios, where the latency and CPU-per-request targets are judged.
    await runOpenLoop(pool, chatTarget('gateway', gw.origin, false), JSON_RATE, jsonMs);
    await runOpenLoop(pool, chatTarget('gateway', gw.origin, true), STREAM_RATE, streamMs);
    loadMs = performance.now() - spawnedAt - startupMs;
  } finally {
    await pool.close();
    await gw.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the gateway exit cleanly?`);
  return {
    workload: `open loop, ${jsonMs / 1000} s of non-streaming at ${JSON_RATE} req/s then ${streamMs / 1000} s of streaming at ${STREAM_RATE} streams/s, after 1.5 s of closed-loop warm-up (start-up and warm-up samples left out)`,
    file: join(dir, file),
    summary: summarizeProfile(join(dir, file), startupMs),
    gc: summarizeGcTrace(gw.logFile, startupMs),
    loadMs,
  };
}
