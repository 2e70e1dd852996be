// Figures derived from a scenario's two targets: the gateway's added latency, its CPU per request,
// how busy each core was, and what limited a maximum-throughput run.
import type { ScenarioResult, TargetResult } from './interleave.js';

export interface Derived {
  readonly addedP50: number;
  readonly addedP99: number;
  readonly addedTtfbP50: number | undefined;
  readonly addedTtfbP99: number | undefined;
  /** Gateway CPU time per request it handled (ok or not), ms. */
  readonly gatewayCpuPerRequestMs: number;
  /** The kernel-mode part of it. */
  readonly gatewayKernelPerRequestMs: number;
  /** The gateway's throughput if its core did nothing else: 1 s / CPU per request. */
  readonly cpuBoundCeiling: number;
  /** Fraction of one core the gateway used during its segments. */
  readonly gatewayCoreBusy: number;
  /** Fraction of one core the simulator + generator used, per target. */
  readonly loadCoreBusy: { readonly direct: number; readonly gateway: number };
  /** Gateway throughput / direct throughput. */
  readonly throughputRatio: number;
  /**
   * CPU others took (other processes + hypervisor steal) as a fraction of the wall time, on the
   * gateway's core and on the load core, for each target's segments.
   */
  readonly contention: {
    readonly gatewayCore: { readonly direct: number; readonly gateway: number };
    readonly loadCore: { readonly direct: number; readonly gateway: number };
  };
  /** Whether others took more than CONTAMINATED of a core in any segment group: figures are suspect. */
  readonly contaminated: boolean;
  /** For maximum-throughput runs: what limited the gateway's figure. */
  readonly limit: string | undefined;
}

function loadBusy(t: TargetResult): number {
  return t.wallMs > 0 ? (t.cpuMs.simulator + t.cpuMs.generator) / t.wallMs : NaN;
}

export const SATURATED = 0.9;
export const CONTAMINATED = 0.05;

function share(t: TargetResult, c: 'gatewayCore' | 'loadCore'): number {
  return t.wallMs > 0 ? (t.contention[c].other + t.contention[c].steal) / t.wallMs : NaN;
}
export const SAME_THROUGHPUT = 0.95;

export function derive(r: ScenarioResult): Derived {
  const { direct, gateway } = r;
  const handled = gateway.ok + gateway.failed;
  const cpuPerReq = handled > 0 ? gateway.cpuMs.gateway / handled : NaN;
  const gatewayCoreBusy = gateway.wallMs > 0 ? gateway.cpuMs.gateway / gateway.wallMs : NaN;
  const ratio = direct.throughput > 0 ? gateway.throughput / direct.throughput : NaN;
  const loadCoreBusy = { direct: loadBusy(direct), gateway: loadBusy(gateway) };
  const contention = {
    gatewayCore: { direct: share(direct, 'gatewayCore'), gateway: share(gateway, 'gatewayCore') },
    loadCore: { direct: share(direct, 'loadCore'), gateway: share(gateway, 'loadCore') },
  };
  // The gateway's core only matters while traffic goes through it (see othersShare).
  const contaminated = [contention.gatewayCore.gateway, contention.loadCore.direct, contention.loadCore.gateway].some((x) => x > CONTAMINATED);
  let limit: string | undefined;
  if (r.scenario.load.mode === 'closed') {
    const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
    const gwOthers = contention.gatewayCore.gateway;
    const loadOthers = contention.loadCore.gateway;
    if (gatewayCoreBusy >= SATURATED) limit = `gateway: its core was ${pct(gatewayCoreBusy)} busy with the gateway, so this is the gateway's own ceiling`;
    else if (gatewayCoreBusy + gwOthers >= SATURATED)
      limit = `gateway's core, shared: the gateway used ${pct(gatewayCoreBusy)} of it and other processes or the hypervisor ${pct(gwOthers)}, so this understates the gateway's clean ceiling`;
    else if (ratio >= SAME_THROUGHPUT)
      limit = `load generator/simulator: the gateway matched ${pct(ratio)} of direct with its core only ${pct(gatewayCoreBusy)} busy, so its real ceiling is higher than measured`;
    else if (loadCoreBusy.gateway + loadOthers >= SATURATED)
      limit = `load core: generator + simulator ${pct(loadCoreBusy.gateway)} busy${loadOthers > CONTAMINATED ? ` and others ${pct(loadOthers)}` : ''} while the gateway's core was ${pct(gatewayCoreBusy)} busy, so this is a lower bound of the gateway's ceiling`;
    else limit = `unclear: neither core saturated (gateway ${pct(gatewayCoreBusy)}, load ${pct(loadCoreBusy.gateway)}); latency-bound at this concurrency`;
  }
  return {
    addedP50: gateway.latency.p50 - direct.latency.p50,
    addedP99: gateway.latency.p99 - direct.latency.p99,
    addedTtfbP50: gateway.ttfb && direct.ttfb ? gateway.ttfb.p50 - direct.ttfb.p50 : undefined,
    addedTtfbP99: gateway.ttfb && direct.ttfb ? gateway.ttfb.p99 - direct.ttfb.p99 : undefined,
    gatewayCpuPerRequestMs: cpuPerReq,
    gatewayKernelPerRequestMs: handled > 0 ? gateway.cpuMs.gatewaySystem / handled : NaN,
    cpuBoundCeiling: cpuPerReq > 0 ? 1000 / cpuPerReq : NaN,
    gatewayCoreBusy,
    loadCoreBusy,
    throughputRatio: ratio,
    contention,
    contaminated,
    limit,
  };
}
