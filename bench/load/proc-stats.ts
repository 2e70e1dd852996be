// What the kernel says about a process: CPU time (utime + stime of all its threads, from
// /proc/<pid>/stat) and memory (VmRSS now, VmHWM peak, from /proc/<pid>/status).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (the unit of utime/stime); 100 on almost every Linux. */
export const CLOCK_TICKS_PER_SECOND: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

export function procAvailable(): boolean {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
}

export interface CpuMs {
  readonly user: number;
  readonly system: number;
}

/** CPU time the process (all threads) has used so far, in ms, split user/kernel; NaN when unreadable. */
export function processCpuMs(pid: number): CpuMs {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) are utime and stime; after the ')' the list starts at field 3.
    const ms = (ticks: string | undefined): number => (Number(ticks) * 1000) / CLOCK_TICKS_PER_SECOND;
    return { user: ms(fields[14 - 3]), system: ms(fields[15 - 3]) };
  } catch {
    return { user: NaN, system: NaN };
  }
}

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuTimeMs(pid: number): number {
  const c = processCpuMs(pid);
  return c.user + c.system;
}

export interface MemoryKb {
  readonly rssKb: number;
  readonly hwmKb: number;
}

export function memoryKb(pid: number): MemoryKb {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) : NaN;
    };
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return { rssKb: NaN, hwmKb: NaN };
  }
}

/** The CPUs the process may run on, as the kernel reports it (e.g. "0" or "0-1"). */
export function allowedCpus(pid: number): string {
  try {
    const m = /^Cpus_allowed_list:\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface CoreTimes {
  /** user + nice + system + irq + softirq, ms. */
  readonly busy: number;
  /** Time the hypervisor gave this virtual CPU's slot to someone else while it had work, ms. */
  readonly steal: number;
}

/**
 * Busy and stolen time of each CPU so far, from /proc/stat. Compared with our own processes' CPU
 * over a window, it shows how much other work (or the hypervisor) shared our cores.
 */
export function coreTimes(): CoreTimes[] {
  try {
    const out: CoreTimes[] = [];
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      // user nice system idle iowait irq softirq steal …
      const f = (m[2] as string).split(/\s+/).map(Number);
      const ms = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
      out[Number(m[1])] = { busy: ms((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0)), steal: ms(f[7] ?? 0) };
    }
    return out;
  } catch {
    return [];
  }
}
