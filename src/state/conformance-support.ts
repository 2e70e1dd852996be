// Helpers shared by the parts of the CounterStore conformance suite (not a test file itself).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CounterStore, ReserveRequest, ReserveResult, ScopeRequest } from './counter-store.js';

/** What each part of the suite gets, inside its tests (after the suite's before() opened the stores). */
export type StoresOf = () => { readonly store: CounterStore; readonly replicas: readonly CounterStore[] };

/** Each test works in its own organisation, so tests share one backend without seeing each other. */
export function orgId(): string {
  return `org-${randomUUID()}`;
}

export function req(org: string, scopes: ScopeRequest[], over: Partial<ReserveRequest> = {}): ReserveRequest {
  return { org, requestId: randomUUID(), costNanos: 0n, tokens: 0, scopes, ...over };
}

export function admitted(r: ReserveResult): string {
  assert.equal(r.ok, true, `expected admission, got ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return r.ok ? r.reservationId : '';
}
