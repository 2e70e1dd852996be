// The compact summary printed at the end of a run (the full report is bench/RESULTS.md).
import { derive } from './analysis.js';
import { fmtDelta, fmtMs, fmtRate } from './format.js';
import type { RunReport } from './results-markdown.js';

export function renderSummary(r: RunReport): string {
  const lines = [
    '',
    `Tollgate load benchmark${r.quick ? ' (quick)' : ''}: ${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.node}, load avg ${r.loadAvg.start}→${r.loadAvg.end}`,
    r.pinning.split('\n')[0] ?? '',
    '',
    `${'scenario'.padEnd(18)}${'direct p50/p99'.padEnd(22)}${'gateway p50/p99'.padEnd(22)}${'added p50/p99'.padEnd(24)}${'rate direct/gw'.padEnd(20)}${'added TTFB p50'.padEnd(16)}gw CPU/req`,
  ];
  for (const res of r.results) {
    const d = derive(res);
    const { direct: a, gateway: b } = res;
    const errs = a.failed + b.failed > 0 ? `  errors direct ${a.failed} gateway ${b.failed}` : '';
    lines.push(
      res.scenario.id.padEnd(18) +
        `${fmtMs(a.latency.p50)}/${fmtMs(a.latency.p99)}`.padEnd(22) +
        `${fmtMs(b.latency.p50)}/${fmtMs(b.latency.p99)}`.padEnd(22) +
        `${fmtDelta(d.addedP50)}/${fmtDelta(d.addedP99)}`.padEnd(24) +
        `${fmtRate(a.throughput)}/${fmtRate(b.throughput)}`.padEnd(20) +
        (d.addedTtfbP50 === undefined ? '' : fmtDelta(d.addedTtfbP50)).padEnd(16) +
        fmtMs(d.gatewayCpuPerRequestMs) +
        errs,
    );
  }
  lines.push('', 'targets (issue 2):');
  for (const c of r.checks) lines.push(`  ${`[${c.verdict}]`.padEnd(16)}${c.target} ${c.goal}: ${c.measured}${c.note ? ` — ${c.note}` : ''}`);
  if (r.profile !== undefined && typeof r.profile !== 'string') {
    lines.push('', 'gateway hot spots (own code, self time):');
    for (const f of r.profile.summary.topOwnSelf.slice(0, 8)) lines.push(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.location}`);
    lines.push('gateway time by origin: ' + r.profile.summary.byOrigin.slice(0, 8).map((o) => `${o.origin} ${(o.share * 100).toFixed(0)}%`).join(', '));
    const loadMs = r.profile.loadMs;
    lines.push('gc pauses: ' + r.profile.gc.map((g) => `${g.kind} ×${g.count} ${g.totalMs.toFixed(0)} ms (${((g.totalMs / loadMs) * 100).toFixed(1)}%, max ${g.maxMs.toFixed(1)} ms)`).join('; '));
  }
  return lines.join('\n');
}
