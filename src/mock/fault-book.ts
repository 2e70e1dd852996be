// Fault rules posted to /_mock/faults: "the next 3 requests for model X get a 429". Every matching rule
// applies (newer rules win field by field) and each use counts against its `times`.
//
// What `model` and `deployment` match: on OpenAI routes `model` is the body's model and no `deployment`
// exists (so a rule naming a deployment never matches there); on Azure routes `deployment` is the path's
// deployment and `model` is the body's model, or the deployment name when the body has none.

import { controlFaults, faultsToJson, MockFaultError, type Faults } from './faults.js';
import { isPositiveInteger, isRecord } from './json-shape.js';

export interface FaultMatch {
  readonly model?: string;
  readonly deployment?: string;
}

interface FaultRule {
  readonly id: string;
  readonly match: FaultMatch;
  readonly faults: Faults;
  /** Infinity when the rule was posted without `times`. */
  remaining: number;
}

export interface FaultRuleJson {
  readonly id: string;
  readonly match: FaultMatch;
  readonly faults: Record<string, string | number | boolean>;
  readonly remaining: number | null;
}

function parseMatch(raw: unknown): FaultMatch {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw new MockFaultError('match', raw, 'an object');
  const match: { model?: string; deployment?: string } = {};
  for (const [key, v] of Object.entries(raw)) {
    if ((key !== 'model' && key !== 'deployment') || typeof v !== 'string') {
      throw new MockFaultError(`match.${key}`, v, 'a string under "model" or "deployment"');
    }
    match[key] = v;
  }
  return match;
}

export class FaultBook {
  private rules: FaultRule[] = [];
  private seq = 0;

  /** Validates a POST /_mock/faults body and stores the rule; returns its id. */
  add(body: unknown): string {
    if (!isRecord(body)) throw new MockFaultError('body', body, 'an object');
    const match = parseMatch(body.match);
    const faults = controlFaults(body.faults);
    const times = body.times;
    if (times !== undefined && !isPositiveInteger(times)) throw new MockFaultError('times', times, 'an integer >= 1');
    this.seq += 1;
    const id = `fault_${this.seq}`;
    this.rules.push({ id, match, faults, remaining: times ?? Infinity });
    return id;
  }

  /** The faults every matching rule contributes to this request, consuming one use of each. */
  take(model: string | undefined, deployment: string | undefined): Faults | undefined {
    if (this.rules.length === 0) return undefined;
    let merged: Faults | undefined;
    let exhausted = false;
    for (const rule of this.rules) {
      const m = rule.match;
      if (m.model !== undefined && m.model !== model) continue;
      if (m.deployment !== undefined && m.deployment !== deployment) continue;
      merged = merged === undefined ? rule.faults : { ...merged, ...rule.faults };
      rule.remaining -= 1;
      if (rule.remaining <= 0) exhausted = true;
    }
    if (exhausted) this.rules = this.rules.filter((r) => r.remaining > 0);
    return merged;
  }

  list(): FaultRuleJson[] {
    return this.rules.map((r) => ({
      id: r.id,
      match: r.match,
      faults: faultsToJson(r.faults),
      remaining: Number.isFinite(r.remaining) ? r.remaining : null,
    }));
  }

  clear(): void {
    this.rules = [];
  }
}
