// Runs one scenario as alternating rounds — direct, gateway, then gateway, direct, … — so drift and
// noise on the machine land on the baseline and the gateway alike. Around every segment it reads
// the CPU time of the gateway, the simulator and this generator, so CPU is charged to exactly the
// requests of that segment.
import type { Pool } from 'undici';
import { runClosedLoop } from './closed-loop.js';
import { runOpenLoop } from './open-loop.js';
import { othersShare, segmentCpu, snapshot, type Contention, type ProcessIds, type SegmentCpu } from './cpu-window.js';
import { memoryKb } from './proc-stats.js';
import { waitForQuiet } from './quiet.js';
import type { Percentiles } from './samples.js';
import { Samples } from './samples.js';
import type { Scenario } from './scenarios.js';
import type { Segment } from './segment.js';
import { chatTarget, type Target, type TargetName } from './target.js';

export interface Endpoints extends ProcessIds {
  readonly pools: Readonly<Record<TargetName, Pool>>;
  readonly origins: Readonly<Record<TargetName, string>>;
}

export interface TargetResult {
  readonly target: TargetName;
  readonly ok: number;
  readonly failed: number;
  readonly errors: ReadonlyMap<string, number>;
  /** Sum of the segments' wall-clock windows. */
  readonly wallMs: number;
  readonly throughput: number;
  readonly latency: Percentiles;
  readonly ttfb: Percentiles | undefined;
  readonly sendLag: Percentiles | undefined;
  /** CPU used during this target's segments, by process. */
  readonly cpuMs: { readonly gateway: number; readonly gatewaySystem: number; readonly simulator: number; readonly generator: number };
  /** During this target's segments, ms of CPU taken from the gateway's core and the load core by others. */
  readonly contention: { readonly gatewayCore: Contention; readonly loadCore: Contention };
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly direct: TargetResult;
  readonly gateway: TargetResult;
  /** Gateway VmRSS at the end of its last segment, and its VmHWM (peak since start) then. */
  readonly gatewayRssKb: number;
  readonly gatewayHwmKb: number;
  /** Segments measured again because others took more than RETRY_ABOVE of a core. */
  readonly discarded: number;
}

/** A segment during which others took more than this share of a core we use is measured again (within a RetryBudget). */
export const RETRY_ABOVE = 0.1;


function runSegment(s: Scenario, pool: Pool, target: Target, durationMs: number): Promise<Segment> {
  return s.load.mode === 'open' ? runOpenLoop(pool, target, s.load.rate, durationMs) : runClosedLoop(pool, target, s.load.concurrency, durationMs);
}

class Accumulator {
  readonly latency = new Samples();
  readonly ttfb = new Samples();
  readonly sendLag = new Samples();
  readonly errors = new Map<string, number>();
  ok = 0;
  failed = 0;
  wallMs = 0;
  gatewayCpu = 0;
  gatewaySystemCpu = 0;
  simulatorCpu = 0;
  generatorCpu = 0;
  gatewayCore = { other: 0, steal: 0 };
  loadCore = { other: 0, steal: 0 };

  constructor(readonly target: TargetName) {}

  add(seg: Segment, cpu: SegmentCpu): void {
    this.latency.addAll(seg.latency);
    this.ttfb.addAll(seg.ttfb);
    this.sendLag.addAll(seg.sendLag);
    for (const [k, v] of seg.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + v);
    this.ok += seg.ok;
    this.failed += seg.failed;
    this.wallMs += seg.wallMs;
    this.gatewayCpu += cpu.gateway;
    this.gatewaySystemCpu += cpu.gatewaySystem;
    this.simulatorCpu += cpu.simulator;
    this.generatorCpu += cpu.generator;
    this.gatewayCore = { other: this.gatewayCore.other + cpu.gatewayCore.other, steal: this.gatewayCore.steal + cpu.gatewayCore.steal };
    this.loadCore = { other: this.loadCore.other + cpu.loadCore.other, steal: this.loadCore.steal + cpu.loadCore.steal };
  }

  result(stream: boolean): TargetResult {
    return {
      target: this.target,
      ok: this.ok,
      failed: this.failed,
      errors: this.errors,
      wallMs: this.wallMs,
      throughput: this.wallMs > 0 ? (this.ok * 1000) / this.wallMs : 0,
      latency: this.latency.percentiles(),
      ttfb: stream ? this.ttfb.percentiles() : undefined,
      sendLag: this.sendLag.size > 0 ? this.sendLag.percentiles() : undefined,
      cpuMs: { gateway: this.gatewayCpu, gatewaySystem: this.gatewaySystemCpu, simulator: this.simulatorCpu, generator: this.generatorCpu },
      contention: { gatewayCore: this.gatewayCore, loadCore: this.loadCore },
    };
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

/** Re-measurements left for the whole run, and how long they may wait for the machine to calm down. */
export interface RetryBudget {
  retries: number;
  waitMs: number;
}

/** Longest wait for quiet before one re-measurement. */
const RETRY_WAIT_MS = 10_000;

export async function runScenario(s: Scenario, ep: Endpoints, budget: RetryBudget, log: (line: string) => void): Promise<ScenarioResult> {
  const targets: Record<TargetName, Target> = {
    direct: chatTarget('direct', ep.origins.direct, s.stream),
    gateway: chatTarget('gateway', ep.origins.gateway, s.stream),
  };
  for (const name of ['direct', 'gateway'] as const) {
    const warm = await runSegment(s, ep.pools[name], targets[name], s.warmupMs);
    if (warm.failed > 0) log(`  warm-up ${name}: ${warm.failed} failed (${[...warm.errors.keys()].join(', ')})`);
    await settle();
  }
  const acc: Record<TargetName, Accumulator> = { direct: new Accumulator('direct'), gateway: new Accumulator('gateway') };
  let rss = { rssKb: NaN, hwmKb: NaN };
  let discarded = 0;
  for (let round = 0; round < s.rounds; round++) {
    const order: TargetName[] = round % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
    for (const name of order) {
      for (;;) {
        const before = snapshot(ep);
        const seg = await runSegment(s, ep.pools[name], targets[name], s.segmentMs);
        const after = snapshot(ep);
        if (name === 'gateway') rss = memoryKb(ep.gatewayPid);
        const cpu = segmentCpu(ep, before, after);
        const others = othersShare(cpu, seg.wallMs, name === 'gateway');
        const pct = (ms: number): string => `${((ms / seg.wallMs) * 100).toFixed(0)}%`;
        const line =
          `  round ${round + 1}/${s.rounds} ${name.padEnd(7)} ${((seg.ok * 1000) / seg.wallMs).toFixed(0).padStart(6)}/s  p50 ${seg.latency.percentiles().p50.toFixed(2).padStart(7)} ms` +
          `  cpu gateway ${pct(cpu.gateway)} sim ${pct(cpu.simulator)} gen ${pct(cpu.generator)}  others ${(others * 100).toFixed(0)}%` +
          (seg.failed > 0 ? `  ${seg.failed} failed` : '');
        // Other work on the machine took a real share of our cores: measure this segment again.
        if (others > RETRY_ABOVE && budget.retries > 0) {
          budget.retries--;
          discarded++;
          log(`${line}  → discarded (others took ${(others * 100).toFixed(0)}% of a core we use), measuring again`);
          const q = await waitForQuiet(Math.min(RETRY_WAIT_MS, budget.waitMs), log);
          budget.waitMs = Math.max(0, budget.waitMs - q.waitedMs);
          continue;
        }
        acc[name].add(seg, cpu);
        log(line);
        break;
      }
      await settle();
    }
  }
  return { scenario: s, direct: acc.direct.result(s.stream), gateway: acc.gateway.result(s.stream), gatewayRssKb: rss.rssKb, gatewayHwmKb: rss.hwmKb, discarded };
}
