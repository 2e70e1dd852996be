// Renders bench/RESULTS.md: the machine, the pinning, the targets of issue 2 with a verdict each,
// one table per scenario (direct vs gateway and the difference), the reference figures, the
// profile when one was taken, and the caveats a reader needs to trust or distrust the numbers.
import { CONTAMINATED, derive } from './analysis.js';
import type { ProfileOutcome } from './profile-run.js';
import { fmtDelta, fmtInt, fmtMb, fmtMs, fmtPct, fmtRate } from './format.js';
import { RETRY_ABOVE, type ScenarioResult, type TargetResult } from './interleave.js';
import type { Machine } from './machine.js';
import { CLOCK_TICKS_PER_SECOND } from './proc-stats.js';
import type { Quiet } from './quiet.js';
import { REFERENCE_FIGURES, type TargetCheck, type Verdict } from './targets.js';

export interface RunReport {
  readonly startedAt: Date;
  readonly durationS: number;
  readonly quick: boolean;
  readonly machine: Machine;
  /** The commit measured (and whether src/ had uncommitted changes). */
  readonly code: string;
  /** What the gateway enforced on every request during the run. */
  readonly governance: string;
  readonly loadAvg: { readonly start: number; readonly end: number };
  readonly pinning: string;
  readonly quiet: Quiet;
  readonly results: readonly ScenarioResult[];
  readonly checks: readonly TargetCheck[];
  readonly peakRssKb: number;
  readonly finalRssKb: number;
  readonly profile: ProfileOutcome | string | undefined;
}

const VERDICT: Record<Verdict, string> = { met: '**met**', 'not met': '**NOT met**', inconclusive: '**inconclusive**', 'not measured': 'not measured' };

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function errorsCell(t: TargetResult): string {
  if (t.failed === 0) return '0';
  return `${fmtInt(t.failed)} (${[...t.errors].map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

function loadDescription(r: ScenarioResult): string {
  const s = r.scenario;
  const load = s.load.mode === 'open' ? `open loop at ${fmtInt(s.load.rate)} ${s.stream ? 'streams' : 'req'}/s` : `closed loop, ${s.load.concurrency} in flight`;
  return `${load}; ${s.rounds} rounds × ${s.segmentMs / 1000} s per target, alternating direct/gateway, after ${s.warmupMs / 1000} s warm-up each.`;
}

function scenarioSection(r: ScenarioResult): string {
  const d = derive(r);
  const { direct: a, gateway: b } = r;
  const unit = r.scenario.stream ? 'streams/s' : 'req/s';
  const rows: string[][] = [
    ['Completed OK', fmtInt(a.ok), fmtInt(b.ok), ''],
    ['Errors (non-200, incomplete, network)', errorsCell(a), errorsCell(b), ''],
    [`Throughput (${unit})`, fmtRate(a.throughput), fmtRate(b.throughput), `gateway = ${fmtPct(d.throughputRatio)} of direct`],
    ['Latency p50', fmtMs(a.latency.p50), fmtMs(b.latency.p50), fmtDelta(d.addedP50)],
    ['Latency p90', fmtMs(a.latency.p90), fmtMs(b.latency.p90), fmtDelta(b.latency.p90 - a.latency.p90)],
    ['Latency p99', fmtMs(a.latency.p99), fmtMs(b.latency.p99), fmtDelta(d.addedP99)],
    ['Latency max', fmtMs(a.latency.max), fmtMs(b.latency.max), fmtDelta(b.latency.max - a.latency.max)],
  ];
  if (a.ttfb && b.ttfb) {
    rows.push(
      ['Time to first byte p50', fmtMs(a.ttfb.p50), fmtMs(b.ttfb.p50), fmtDelta(d.addedTtfbP50)],
      ['Time to first byte p90', fmtMs(a.ttfb.p90), fmtMs(b.ttfb.p90), fmtDelta(b.ttfb.p90 - a.ttfb.p90)],
      ['Time to first byte p99', fmtMs(a.ttfb.p99), fmtMs(b.ttfb.p99), fmtDelta(d.addedTtfbP99)],
      ['Time to first byte max', fmtMs(a.ttfb.max), fmtMs(b.ttfb.max), fmtDelta(b.ttfb.max - a.ttfb.max)],
    );
  }
  if (a.sendLag && b.sendLag) rows.push(['Generator send lag p50 / p99 (open loop)', `${fmtMs(a.sendLag.p50)} / ${fmtMs(a.sendLag.p99)}`, `${fmtMs(b.sendLag.p50)} / ${fmtMs(b.sendLag.p99)}`, '']);
  rows.push(
    [
      'Gateway CPU per request (of which kernel)',
      '—',
      `${fmtMs(d.gatewayCpuPerRequestMs)} (${fmtMs(d.gatewayKernelPerRequestMs)})`,
      // Per-request CPU falls as load rises (wake-ups and system calls are shared), so only a
      // saturating run's figure projects a ceiling.
      r.scenario.load.mode === 'closed' ? `one-core ceiling ≈ ${fmtRate(d.cpuBoundCeiling)}` : 'at this rate',
    ],
    ['Gateway core busy (core 0)', fmtPct(a.wallMs > 0 ? a.cpuMs.gateway / a.wallMs : NaN), fmtPct(d.gatewayCoreBusy), ''],
    ['Load core busy (simulator + generator)', fmtPct(d.loadCoreBusy.direct), fmtPct(d.loadCoreBusy.gateway), ''],
    ["Taken from the gateway's core by others (other processes + steal)", '— (gateway idle)', fmtPct(d.contention.gatewayCore.gateway), ''],
    ['Taken from the load core by others (other processes + steal)', fmtPct(d.contention.loadCore.direct), fmtPct(d.contention.loadCore.gateway), ''],
    ['Gateway RSS at end / peak so far', '', `${fmtMb(r.gatewayRssKb)} / ${fmtMb(r.gatewayHwmKb)}`, ''],
  );
  const retried = r.discarded > 0 ? ` ${r.discarded} segment(s) were measured again because other work took more than ${RETRY_ABOVE * 100}% of a core during them.` : '';
  const parts = [`### ${r.scenario.title}`, '', loadDescription(r) + retried, '', table(['', 'Direct to simulator', 'Through gateway', 'Added by gateway'], rows)];
  if (d.limit) parts.push('', `What limited the throughput: ${d.limit}.`);
  return parts.join('\n');
}

function profileSection(p: ProfileOutcome | string | undefined): string {
  if (p === undefined) return '';
  if (typeof p === 'string') return `## CPU profile of the gateway\n\nNot available: ${p}\n`;
  const s = p.summary;
  const rowsOf = (list: typeof s.topSelf): string[][] => list.map((f) => [`\`${f.name}\``, f.location ? `\`${f.location}\`` : '', f.origin, fmtMs(f.ms), fmtPct(f.share)]);
  return [
    '## CPU profile of the gateway',
    '',
    `A separate gateway process started with \`node --cpu-prof --trace-gc\` (profiler overhead never touches the figures above); ${p.workload}. ${fmtInt(s.busyMs)} ms of non-idle samples. Percentages are of non-idle time.`,
    '',
    '**Where the time went, by origin**',
    '',
    table(['Origin', 'Self time', 'Share'], s.byOrigin.map((o) => [o.origin, fmtMs(o.ms), fmtPct(o.share)])),
    '',
    `**Garbage collection** during the ${fmtInt(p.loadMs)} ms of profiled load (\`--trace-gc\`)`,
    '',
    p.gc.length === 0
      ? 'No GC lines found in the gateway log.'
      : table(
          ['Kind', 'Count', 'Total pause', 'Longest pause', 'Share of wall time'],
          p.gc.map((g) => [g.kind, fmtInt(g.count), fmtMs(g.totalMs), fmtMs(g.maxMs), fmtPct(g.totalMs / p.loadMs)]),
        ),
    '',
    "**Hot spots in Tollgate's own code (self time)**",
    '',
    table(['Function', 'Location (compiled)', 'Origin', 'Self', 'Share'], rowsOf(s.topOwnSelf)),
    '',
    "**Tollgate's own functions by inclusive time** (including everything they call)",
    '',
    table(['Function', 'Location (compiled)', 'Origin', 'Inclusive', 'Share'], rowsOf(s.topOwnInclusive)),
    '',
    '**Top functions overall (self time)**',
    '',
    table(['Function', 'Location', 'Origin', 'Self', 'Share'], rowsOf(s.topSelf)),
    '',
  ].join('\n');
}

function contentionCaveat(r: RunReport): string {
  const bad = r.results.filter((x) => derive(x).contaminated).map((x) => x.scenario.id);
  const how = `CPU that others took from our cores is read from /proc/stat (busy time of the core minus our pinned processes' CPU, plus hypervisor steal)${r.pinning.startsWith('No pinning') ? ', machine-wide because nothing was pinned' : ''}.`;
  if (bad.length === 0) return `- ${how} It stayed at or below ${CONTAMINATED * 100}% of a core in every scenario.`;
  return `- ${how} **It exceeded ${CONTAMINATED * 100}% of a core in: ${bad.join(', ')}.** Those figures are contaminated by other work on the machine (latency and throughput worse than the gateway alone would give; CPU per request and RSS are the gateway's own and less affected).`;
}

export function renderResults(r: RunReport): string {
  const m = r.machine;
  return [
    '# Tollgate load benchmark — results',
    '',
    `Generated by \`npm run bench\`${r.quick ? ' (`--quick`)' : ''} on ${r.startedAt.toISOString()}; the run took ${r.durationS.toFixed(0)} s. Regenerate rather than edit: see [README.md](README.md) for how to run and read it.`,
    '',
    `Code measured: ${r.code}.`,
    '',
    `Gateway configuration: ${r.governance}.`,
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', m.cpuModel],
        ['Cores', String(m.cores)],
        ['RAM', `${m.ramGb} GiB`],
        ['Kernel', m.kernel],
        ['Node', m.node],
        ['Load average (1 min) at start / end', `${r.loadAvg.start} / ${r.loadAvg.end}`],
        [
          'Other work when measuring began',
          `${r.quiet.othersCores.toFixed(2)} cores (after waiting ${(r.quiet.waitedMs / 1000).toFixed(0)} s${r.quiet.quiet ? '' : '; the machine never became quiet'})`,
        ],
      ],
    ),
    '',
    '## Pinning',
    '',
    r.pinning,
    '',
    '## Targets (issue 2, "Performance")',
    '',
    table(['Target', 'Goal', 'Measured', 'Verdict'], r.checks.map((c) => [c.target, c.goal, c.measured, `${VERDICT[c.verdict]}${c.note ? ` — ${c.note}` : ''}`])),
    '',
    `Gateway memory: VmRSS ${fmtMb(r.finalRssKb)} after the last scenario, VmHWM (peak over the whole run) ${fmtMb(r.peakRssKb)}.`,
    '',
    '## Reference figures (issue 2, measured on this machine)',
    '',
    table(['What', 'Figure'], REFERENCE_FIGURES.map(([a, b]) => [a, b])),
    '',
    '## Scenarios',
    '',
    'Every scenario runs against the simulator directly (the baseline) and through the gateway in front of the same simulator, in alternating rounds of the same run. "Added by gateway" is the gateway figure minus the direct figure (a difference of percentiles).',
    '',
    r.results.map(scenarioSection).join('\n\n'),
    '',
    profileSection(r.profile),
    '## How to read these numbers (caveats)',
    '',
    '- Latency is measured in the load generator, from the *scheduled* send time in the open-loop scenarios (so queueing behind a stall is counted, not hidden) and from the actual send in the closed-loop ones. "Generator send lag" is how late the generator itself sent: it is added to both targets alike and cancels in the difference.',
    '- The load generator and the simulator share one core. A closed-loop figure is the gateway\'s ceiling only when the gateway\'s core is saturated; otherwise it is a lower bound, and "one-core ceiling" (1 s divided by the gateway\'s CPU per request) estimates the real one. Each maximum-throughput table says which side limited it.',
    `- CPU is utime + stime from /proc/<pid>/stat (all threads, including GC), read before and after each segment at ${CLOCK_TICKS_PER_SECOND} ticks/s, divided by the requests of the segment. RSS is VmRSS / VmHWM from /proc/<pid>/status.`,
    '- The gateway writes its JSON request logs (level info) to a file during the run, as it would in production.',
    '- Through the gateway the simulator is asked for stream usage (`stream_options.include_usage`), so each gateway stream carries one more upstream chunk than a direct one; the gateway hides it from the client.',
    contentionCaveat(r),
    r.loadAvg.start > 1 || r.loadAvg.end > 1
      ? `- The machine was not idle: the 1-minute load average was ${r.loadAvg.start} at the start and ${r.loadAvg.end} at the end (other work on a ${m.cores}-core machine). The interleaving spreads this noise over both targets, but tail figures (p99, max) are the most affected; rerun on a quiet machine before drawing conclusions from a tail.`
      : '- The machine was quiet during the run (1-minute load average ≤ 1 at start and end).',
    '',
  ].join('\n');
}
