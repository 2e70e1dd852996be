// The bill: what the simulated provider charged, per model, so tests can assert that the gateway's
// spend equals it exactly. Only answers that produced tokens are billed; a scripted error (429, 500…)
// or a barrier timeout costs nothing, as with real providers. A stream that breaks off (cut, mid-stream
// error, client gone) bills the prompt plus the output tokens already sent (see stream-writer.ts).

export interface Bill {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Inside promptTokens. */
  readonly cachedTokens: number;
  /** Inside completionTokens. */
  readonly reasoningTokens: number;
}

interface ModelTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

export interface StatsJson {
  /** Billed requests (the sum of by_model[*].requests). */
  readonly requests: number;
  /** Every inference request that reached a route, billed or not. */
  readonly received: number;
  /** Inference requests answered with an error status (validation, auth, scripted, barrier timeout). */
  readonly errors: number;
  readonly by_model: Record<string, ModelTotals>;
}

export class Ledger {
  private billed = 0;
  private received = 0;
  private errors = 0;
  private byModel = new Map<string, ModelTotals>();

  noteReceived(): void {
    this.received += 1;
  }

  noteError(): void {
    this.errors += 1;
  }

  bill(b: Bill): void {
    this.billed += 1;
    let t = this.byModel.get(b.model);
    if (t === undefined) {
      t = { requests: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0 };
      this.byModel.set(b.model, t);
    }
    t.requests += 1;
    t.prompt_tokens += b.promptTokens;
    t.completion_tokens += b.completionTokens;
    t.cached_tokens += b.cachedTokens;
    t.reasoning_tokens += b.reasoningTokens;
  }

  snapshot(): StatsJson {
    const by_model: Record<string, ModelTotals> = {};
    for (const [model, t] of this.byModel) by_model[model] = { ...t };
    return { requests: this.billed, received: this.received, errors: this.errors, by_model };
  }

  clear(): void {
    this.billed = 0;
    this.received = 0;
    this.errors = 0;
    this.byModel = new Map();
  }
}
