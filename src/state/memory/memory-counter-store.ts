// CounterStore for one process. Atomicity comes from the synchronous core (CounterTable,
// BreakerTable): no method awaits between its check and its write. Counters live in this process
// only, hence `shared: false` — startup must refuse several workers or replicas with it (M9).

import { StateUnavailableError } from '../../core/errors.js';
import {
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_RECORD_RETENTION_MS,
  type ActualUsage,
  type BreakerAdmission,
  type BreakerOutcome,
  type BreakerPolicy,
  type BreakerSnapshot,
  type CounterStore,
  type ReserveRequest,
  type ReserveResult,
  type RollingWindow,
  type ScopeUsage,
  type SettleResult,
} from '../counter-store.js';
import { checkActual, checkNow, checkReserveRequest, checkWindow, parseReservationId } from '../reserve-request.js';
import { BreakerTable } from './breaker-table.js';
import { CounterTable } from './counter-table.js';

export interface MemoryCounterStoreOptions {
  readonly leaseTtlMs?: number;
  readonly recordRetentionMs?: number;
}

export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory';
  readonly shared = false;
  private readonly counters: CounterTable;
  private readonly breakers = new BreakerTable();
  private closed = false;

  constructor(opts: MemoryCounterStoreOptions = {}) {
    this.counters = new CounterTable({
      leaseTtlMs: opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
      recordRetentionMs: opts.recordRetentionMs ?? DEFAULT_RECORD_RETENTION_MS,
    });
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    this.open();
    checkReserveRequest(req);
    return this.counters.reserve(req, req.now ?? Date.now());
  }

  async settle(reservationId: string, actual: ActualUsage): Promise<SettleResult> {
    this.open();
    parseReservationId(reservationId);
    checkActual(actual);
    return this.counters.settle(reservationId, actual);
  }

  async release(reservationId: string): Promise<SettleResult> {
    return this.settle(reservationId, { costNanos: 0n, tokens: 0 });
  }

  async getUsage(org: string, scope: string, periodId: string, now?: number, window?: RollingWindow): Promise<ScopeUsage> {
    this.open();
    checkNow(now);
    if (window) checkWindow(window);
    return this.counters.usage(org, scope, periodId, now ?? Date.now(), window);
  }

  async recordOutcome(outcome: BreakerOutcome): Promise<BreakerSnapshot> {
    this.open();
    checkNow(outcome.now);
    return this.breakers.recordOutcome(outcome, outcome.now ?? Date.now());
  }

  async breakerState(deployment: string, now?: number): Promise<BreakerSnapshot> {
    this.open();
    checkNow(now);
    return this.breakers.state(deployment, now ?? Date.now());
  }

  async breakerAdmit(deployment: string, policy: BreakerPolicy, now?: number): Promise<BreakerAdmission> {
    this.open();
    checkNow(now);
    return this.breakers.admit(deployment, policy, now ?? Date.now());
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new StateUnavailableError('The in-memory counter store is closed');
  }
}
