// Everything one simulator instance remembers. Kept per instance (not module-global) so several mocks
// in one test process stay independent.

import { BarrierBook } from './barrier.js';
import { FaultBook } from './fault-book.js';
import { IdSource } from './ids.js';
import { Ledger } from './ledger.js';
import { PrefixCache } from './prefix-cache.js';
import { Recorder } from './recorder.js';

export interface MockStateOptions {
  /** When set, inference routes demand this key (Bearer on OpenAI routes, api-key on Azure). */
  readonly requireKey?: string;
  readonly barrierTimeoutMs?: number;
}

export class MockState {
  readonly ledger = new Ledger();
  readonly recorder = new Recorder();
  readonly faults = new FaultBook();
  readonly barriers: BarrierBook;
  readonly ids = new IdSource();
  /** Simulated per-deployment prompt caches (x-mock-prefix-cache). */
  readonly prefixCache = new PrefixCache();
  /** Every model (or Azure deployment) asked for, listed by GET /v1/models. */
  readonly seenModels = new Set<string>();
  readonly requireKey: string | undefined;
  /** `Bearer <key>`, precomputed so the per-request check is one comparison. */
  readonly requiredBearer: string | undefined;

  constructor(opts: MockStateOptions = {}) {
    this.requireKey = opts.requireKey;
    this.requiredBearer = opts.requireKey === undefined ? undefined : `Bearer ${opts.requireKey}`;
    this.barriers = new BarrierBook(opts.barrierTimeoutMs);
  }

  /** POST /_mock/reset: stats, recorded requests, fault rules, seen models and prefix caches. */
  reset(): void {
    this.ledger.clear();
    this.recorder.clear();
    this.faults.clear();
    this.seenModels.clear();
    this.prefixCache.clear();
  }
}
