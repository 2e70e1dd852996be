// CPU accounting over one window of load: the CPU time of the gateway, the simulator and this
// generator, and what other programs and the hypervisor took from the cores we pinned them to.
import { coreTimes, cpuTimeMs, processCpuMs, type CoreTimes } from './proc-stats.js';

export interface ProcessIds {
  readonly gatewayPid: number;
  readonly simulatorPid: number;
  /** The cores processes are pinned to; undefined when unpinned (contention is then machine-wide). */
  readonly cores: { readonly gateway: number; readonly load: number } | undefined;
}

/** CPU time on a core not used by our processes: other programs (`other`) and the hypervisor (`steal`). */
export interface Contention {
  readonly other: number;
  readonly steal: number;
}

export interface Snapshot {
  readonly gateway: number;
  readonly gatewaySystem: number;
  readonly simulator: number;
  readonly generator: number;
  readonly cores: CoreTimes[];
}

export function snapshot(ep: ProcessIds): Snapshot {
  const gw = processCpuMs(ep.gatewayPid);
  return { gateway: gw.user + gw.system, gatewaySystem: gw.system, simulator: cpuTimeMs(ep.simulatorPid), generator: generatorCpuMs(), cores: coreTimes() };
}

function coreDelta(a: Snapshot, b: Snapshot, cores: readonly number[]): { busy: number; steal: number } {
  let busy = 0;
  let steal = 0;
  for (const c of cores) {
    busy += (b.cores[c]?.busy ?? NaN) - (a.cores[c]?.busy ?? NaN);
    steal += (b.cores[c]?.steal ?? NaN) - (a.cores[c]?.steal ?? NaN);
  }
  return { busy, steal };
}

export interface SegmentCpu {
  readonly gateway: number;
  /** The kernel's share of `gateway` (syscalls, and network work done in its context). */
  readonly gatewaySystem: number;
  readonly simulator: number;
  readonly generator: number;
  readonly gatewayCore: Contention;
  readonly loadCore: Contention;
}

export function segmentCpu(ep: ProcessIds, a: Snapshot, b: Snapshot): SegmentCpu {
  const gateway = b.gateway - a.gateway;
  const gatewaySystem = b.gatewaySystem - a.gatewaySystem;
  const simulator = b.simulator - a.simulator;
  const generator = b.generator - a.generator;
  if (ep.cores === undefined) {
    const all = coreDelta(a, b, a.cores.map((_, i) => i));
    const machine = { other: Math.max(0, all.busy - gateway - simulator - generator), steal: all.steal };
    return { gateway, gatewaySystem, simulator, generator, gatewayCore: machine, loadCore: machine };
  }
  const g = coreDelta(a, b, [ep.cores.gateway]);
  const l = coreDelta(a, b, [ep.cores.load]);
  return {
    gateway,
    gatewaySystem,
    simulator,
    generator,
    // Tick accounting is coarse (10 ms); clamp the small negative differences it produces.
    gatewayCore: { other: Math.max(0, g.busy - gateway), steal: g.steal },
    loadCore: { other: Math.max(0, l.busy - simulator - generator), steal: l.steal },
  };
}

/**
 * Fraction of a core that others took during the window, on the cores that mattered: the load core
 * always, the gateway's core only when the traffic went through the gateway (during a direct
 * segment the scheduler moves other programs onto the idle gateway core, which harms nothing).
 */
export function othersShare(cpu: SegmentCpu, wallMs: number, throughGateway: boolean): number {
  const load = cpu.loadCore.other + cpu.loadCore.steal;
  const gateway = throughGateway ? cpu.gatewayCore.other + cpu.gatewayCore.steal : 0;
  return Math.max(load, gateway) / wallMs;
}

function generatorCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

