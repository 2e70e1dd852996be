// CPU pinning with taskset: the gateway alone on core 0; the simulator and this load generator
// share core 1. Without taskset (or with fewer than two cores) everything floats, and the results
// say so.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { allowedCpus } from './proc-stats.js';

export interface Pinning {
  /** Whether processes are pinned at all. */
  readonly enabled: boolean;
  readonly gatewayCpu: string | undefined;
  readonly loadCpu: string | undefined;
  /** Why pinning is off, when it is. */
  readonly reason: string;
}

export const GATEWAY_CPU = '0';
export const LOAD_CPU = '1';

export function choosePinning(wanted: boolean): Pinning {
  if (!wanted) return { enabled: false, gatewayCpu: undefined, loadCpu: undefined, reason: 'disabled with --no-pin' };
  if (spawnSync('taskset', ['--version']).error) return { enabled: false, gatewayCpu: undefined, loadCpu: undefined, reason: 'taskset not found' };
  if (cpus().length < 2) return { enabled: false, gatewayCpu: undefined, loadCpu: undefined, reason: 'fewer than two cores' };
  for (const cpu of [GATEWAY_CPU, LOAD_CPU]) {
    if (spawnSync('taskset', ['-c', cpu, 'true']).status !== 0) return { enabled: false, gatewayCpu: undefined, loadCpu: undefined, reason: `taskset cannot use core ${cpu} here` };
  }
  return { enabled: true, gatewayCpu: GATEWAY_CPU, loadCpu: LOAD_CPU, reason: 'taskset' };
}

/** Command and arguments that run `node args…`, pinned to `cpu` when pinning is on. */
export function pinnedCommand(pinning: Pinning, cpu: string | undefined, args: readonly string[]): [string, string[]] {
  if (!pinning.enabled || cpu === undefined) return [process.execPath, [...args]];
  // taskset execs node, so the child's pid is node's pid (what /proc readings need).
  return ['taskset', ['-c', cpu, process.execPath, ...args]];
}

/** Pins every thread of this process (the load generator) to the load core. */
export function pinSelf(pinning: Pinning): void {
  if (!pinning.enabled || pinning.loadCpu === undefined) return;
  execFileSync('taskset', ['-a', '-c', '-p', pinning.loadCpu, String(process.pid)], { stdio: 'ignore' });
}

/** The affinity the kernel actually applied, for the report. */
export function describeAffinity(pid: number): string {
  return allowedCpus(pid);
}
