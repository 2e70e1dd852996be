// Number formatting shared by the Markdown report and the console summary.

export function fmtMs(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  return Math.abs(n) < 10 ? `${n.toFixed(3)} ms` : `${n.toFixed(1)} ms`;
}

export function fmtDelta(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  return `${n >= 0 ? '+' : '−'}${fmtMs(Math.abs(n))}`;
}

export function fmtRate(n: number): string {
  return Number.isNaN(n) ? 'n/a' : `${Math.round(n).toLocaleString('en-US')}/s`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtPct(fraction: number): string {
  return Number.isNaN(fraction) ? 'n/a' : `${(fraction * 100).toFixed(0)}%`;
}

export function fmtMb(kb: number): string {
  return Number.isNaN(kb) ? 'n/a' : `${((kb * 1024) / 1e6).toFixed(1)} MB`;
}
