// A scope's counters in its current budget period or rolling window (what admission enforces).
import type { ScopeLimits } from '../../core/limits.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { budgetWindow } from '../../policy/budget-period.js';
import type { CounterStore, ScopeUsage } from '../../state/counter-store.js';

export interface CurrentUsage {
  readonly periodId: string;
  readonly usage: ScopeUsage;
}

export async function currentUsage(state: CounterStore, cfg: RuntimeConfig, org: string, scope: string, limits: ScopeLimits | undefined): Promise<CurrentUsage> {
  const w = budgetWindow(limits, cfg.governance.timeZone, Date.now());
  return { periodId: w.periodId, usage: await state.getUsage(org, scope, w.periodId, undefined, w.window) };
}
