// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function,
// time by origin (our code, each npm package, Node internals, GC), and inclusive time of our own
// functions (a function counted once per sample, however deep its recursion).
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
  readonly name: string;
  readonly location: string;
  readonly origin: string;
  readonly ms: number;
  /** Share of the non-idle time. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly byOrigin: readonly { readonly origin: string; readonly ms: number; readonly share: number }[];
  readonly topSelf: readonly FunctionTime[];
  readonly topOwnSelf: readonly FunctionTime[];
  readonly topOwnInclusive: readonly FunctionTime[];
}

export const OWN_ORIGIN = 'tollgate';

function originOf(f: CallFrame): string {
  if (f.url === '') {
    if (f.functionName === '(garbage collector)') return 'gc';
    if (f.functionName === '(idle)') return 'idle';
    if (f.functionName === '(program)') return 'v8/native';
    return 'native';
  }
  if (f.url.includes('/dist/src/')) return OWN_ORIGIN;
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.url);
  if (nm?.[1]) return nm[1];
  if (f.url.startsWith('node:')) return 'node';
  return 'other';
}

function locationOf(f: CallFrame): string {
  const url = f.url.replace(/^file:\/\//, '');
  const i = url.indexOf('/dist/');
  const short = i >= 0 ? url.slice(i + 1) : url.replace(/^.*\/node_modules\//, '');
  return short === '' ? '' : `${short}:${f.lineNumber + 1}`;
}

/** `skipFirstMs`: samples from the profile's first milliseconds (process start-up) are left out. */
export function summarizeProfile(file: string, skipFirstMs = 0, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const key = (f: CallFrame): string => `${f.functionName || '(anonymous)'}\u0000${locationOf(f)}`;
  const self = new Map<string, { frame: CallFrame; ms: number }>();
  const inclusive = new Map<string, { frame: CallFrame; ms: number }>();
  const origins = new Map<string, number>();
  let busy = 0;
  let elapsedUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    elapsedUs += p.timeDeltas[i] ?? 0;
    if (elapsedUs < skipFirstMs * 1000) continue;
    const node = byId.get(p.samples[i] as number);
    // A sample's delta is the time until the next one; V8 records it with the next sample.
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (!node || ms <= 0) continue;
    const origin = originOf(node.callFrame);
    if (origin === 'idle') continue;
    busy += ms;
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    const k = key(node.callFrame);
    const s = self.get(k) ?? { frame: node.callFrame, ms: 0 };
    s.ms += ms;
    self.set(k, s);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      if (originOf(f) !== OWN_ORIGIN) continue;
      const fk = key(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      const e = inclusive.get(fk) ?? { frame: f, ms: 0 };
      e.ms += ms;
      inclusive.set(fk, e);
    }
  }
  const toRows = (m: Map<string, { frame: CallFrame; ms: number }>, only?: string): FunctionTime[] =>
    [...m.values()]
      .filter((e) => only === undefined || originOf(e.frame) === only)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((e) => ({ name: e.frame.functionName || '(anonymous)', location: locationOf(e.frame), origin: originOf(e.frame), ms: e.ms, share: e.ms / busy }));
  return {
    busyMs: busy,
    byOrigin: [...origins.entries()].sort((a, b) => b[1] - a[1]).map(([origin, ms]) => ({ origin, ms, share: ms / busy })),
    topSelf: toRows(self),
    topOwnSelf: toRows(self, OWN_ORIGIN),
    topOwnInclusive: toRows(inclusive),
  };
}
