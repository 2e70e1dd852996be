// The performance targets of issue 2 and the comparison figures measured on the same machine,
// checked against a run's results.
import { derive, SATURATED } from './analysis.js';
import type { ScenarioResult } from './interleave.js';
import { FIXED_RATE_JSON, FIXED_RATE_STREAM, MAX_JSON, MAX_STREAM, TARGET_RATE_JSON } from './scenarios.js';

export type Verdict = 'met' | 'not met' | 'inconclusive' | 'not measured';

export interface TargetCheck {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly verdict: Verdict;
  readonly note?: string;
}

/** Issue 2, "Performance": what others measured on this machine, for context. */
export const REFERENCE_FIGURES: readonly (readonly [string, string])[] = [
  ['nginx as a plain reverse proxy', 'adds 0.1–0.2 ms'],
  ['bare Node proxy (node:http + undici Pool)', 'adds 0.2–0.35 ms; passes 13,000 req/s'],
  ['built-in fetch instead of undici Pool', '2.5× the CPU'],
  ['leading TypeScript gateway', 'adds 1.1–1.9 ms at p50 and 24–48 ms at p99; +27 ms time-to-first-byte; ~900 req/s and ~500 streams/s per core; 140–280 MB'],
];

/** /proc reports kB (KiB); the goal is in decimal megabytes. */
export const megabytes = (kb: number): number => (kb * 1024) / 1e6;

const ms = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? 'n/a' : `${n.toFixed(3)} ms`);
const perSec = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`;

function atMost(value: number | undefined, limit: number): Verdict {
  if (value === undefined || Number.isNaN(value)) return 'not measured';
  return value <= limit ? 'met' : 'not met';
}

function throughputCheck(r: ScenarioResult | undefined, goal: number, what: string, unit: string): TargetCheck {
  const target = `≥ ${goal.toLocaleString('en-US')} ${unit} on one core`;
  if (!r) return { target: what, goal: target, measured: 'n/a', verdict: 'not measured' };
  const d = derive(r);
  const measured = `${perSec(r.gateway.throughput)} (direct ${perSec(r.direct.throughput)}; gateway core ${(d.gatewayCoreBusy * 100).toFixed(0)}% busy; CPU-bound ceiling ≈ ${perSec(d.cpuBoundCeiling)})`;
  if (r.gateway.failed > 0) return { target: what, goal: target, measured, verdict: 'not met', note: `${r.gateway.failed} requests failed` };
  if (r.gateway.throughput >= goal) return { target: what, goal: target, measured, verdict: 'met' };
  if (d.gatewayCoreBusy >= SATURATED) return { target: what, goal: target, measured, verdict: 'not met', note: 'the gateway saturated its core below the goal' };
  // The generator or simulator stopped us first; the CPU per request still says where the gateway would top out.
  return {
    target: what,
    goal: target,
    measured,
    verdict: d.cpuBoundCeiling >= goal ? 'inconclusive' : 'not met',
    note:
      d.cpuBoundCeiling >= goal
        ? 'the load side saturated first; the gateway CPU per request projects above the goal, but it was not demonstrated'
        : 'the load side saturated first, but the gateway CPU per request projects below the goal too',
  };
}

export function checkTargets(results: readonly ScenarioResult[], peakRssKb: number): TargetCheck[] {
  const by = (id: string): ScenarioResult | undefined => results.find((r) => r.scenario.id === id);
  const fixed = by(FIXED_RATE_JSON);
  const fixedStream = by(FIXED_RATE_STREAM);
  const df = fixed ? derive(fixed) : undefined;
  const ds = fixedStream ? derive(fixedStream) : undefined;
  const errorsIn = (r: ScenarioResult | undefined): string | undefined => (r && r.gateway.failed > 0 ? `${r.gateway.failed} gateway requests failed` : undefined);
  const withErrors = (c: TargetCheck, r: ScenarioResult | undefined): TargetCheck => {
    const e = errorsIn(r);
    return e ? { ...c, verdict: 'not met', note: e } : c;
  };
  /** Says so when other work shared the cores while the figure was measured. */
  const suspect = (c: TargetCheck, r: ScenarioResult | undefined): TargetCheck => {
    if (!r) return c;
    const d = derive(r);
    if (!d.contaminated) return c;
    const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
    const what = `measured while others took ${pct(d.contention.gatewayCore.gateway)} of the gateway's core and ${pct(Math.max(d.contention.loadCore.direct, d.contention.loadCore.gateway))} of the load core`;
    return { ...c, note: c.note ? `${c.note}; ${what}` : what };
  };
  const checks: TargetCheck[] = [
    suspect(withErrors({ target: 'Added p50, non-streaming at 1,000 req/s', goal: '≤ 0.5 ms', measured: ms(df?.addedP50), verdict: atMost(df?.addedP50, 0.5) }, fixed), fixed),
    suspect(withErrors({ target: 'Added p99, non-streaming at 1,000 req/s', goal: '≤ 5 ms', measured: ms(df?.addedP99), verdict: atMost(df?.addedP99, 5) }, fixed), fixed),
    suspect(withErrors(
      {
        target: 'Added streaming time-to-first-byte (p50, at 500 streams/s)',
        goal: '≤ 1 ms',
        measured: `${ms(ds?.addedTtfbP50)} (p99: ${ms(ds?.addedTtfbP99)})`,
        verdict: atMost(ds?.addedTtfbP50, 1),
      },
      fixedStream,
    ), fixedStream),
    suspect(throughputCheck(by(MAX_JSON), 5_000, 'Non-streaming throughput', 'req/s'), by(MAX_JSON)),
    suspect(throughputCheck(by(MAX_STREAM), 1_000, 'Streaming throughput', 'streams/s'), by(MAX_STREAM)),
    {
      target: 'Gateway CPU per non-streaming request (at 1,000 req/s)',
      goal: '≤ 0.3 ms',
      measured: ms(df?.gatewayCpuPerRequestMs),
      verdict: atMost(df?.gatewayCpuPerRequestMs, 0.3),
    },
    {
      target: 'Gateway RSS under load (peak VmHWM over the run)',
      goal: '≤ 150 MB',
      measured: Number.isNaN(peakRssKb) ? 'n/a' : `${megabytes(peakRssKb).toFixed(1)} MB`,
      verdict: atMost(megabytes(peakRssKb), 150),
      ...(by(MAX_STREAM) && by(TARGET_RATE_JSON)
        ? { note: `peak before the overload scenario (${TARGET_RATE_JSON}, where requests queue in the gateway): ${megabytes((by(MAX_STREAM) as ScenarioResult).gatewayHwmKb).toFixed(1)} MB` }
        : {}),
    },
  ];
  return checks;
}
