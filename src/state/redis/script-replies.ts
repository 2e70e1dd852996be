// Decoding script replies. A shape we did not write is a bug, not an outage: these throw
// TypeError, which the store does not turn into state_unavailable.
import type { BreakerSnapshot, BreakerStateName, LimitKind } from '../counter-store.js';

export function list(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`unexpected script reply: ${String(v)}`);
  return v;
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new TypeError(`expected an integer in the script reply, got ${String(v)}`);
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return v.toString();
  throw new TypeError(`expected a string in the script reply, got ${String(v)}`);
}

export function limitKind(v: unknown): LimitKind {
  const s = str(v);
  if (s === 'budget' || s === 'rpm' || s === 'tpm' || s === 'concurrency') return s;
  throw new TypeError(`unexpected limit kind ${s}`);
}

export function stateName(v: unknown): BreakerStateName {
  const s = str(v);
  if (s === 'closed' || s === 'open' || s === 'half_open') return s;
  throw new TypeError(`unexpected breaker state ${s}`);
}

export function snapshot(r: readonly unknown[]): BreakerSnapshot {
  const u = num(r[1]);
  return { state: stateName(r[0]), openUntil: u === 0 ? null : u, consecutiveFailures: num(r[2]) };
}
