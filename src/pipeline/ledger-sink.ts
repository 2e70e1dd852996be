// One ledger row per request, handed to the batched writer off the request path (M8): the row
// is queued synchronously and never waits for the database; the writer spools to disk when the
// database is down and replays later.
import type { LedgerWriter } from '../storage/ledger-writer.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import type { RequestAttribution } from '../policy/request-attribution.js';
import type { ChargedAttempt } from '../storage/ledger-queries.js';
import type { RequestContext } from './request-context.js';
import type { RequestOutcome } from './outcome.js';

/** What the row says besides the outcome: who paid what. */
export interface LedgerFacts {
  readonly deployment: DeploymentRuntime | undefined;
  readonly costNanos: bigint;
  /** ms since the epoch when the request arrived. */
  readonly startedAt: number;
  /** Billed tokens on a model with no known price: the row says so, rather than look free. */
  readonly unpriced: boolean;
  /** The provider reported no usage: the tokens are the gateway's estimate, and the row says so. */
  readonly usageEstimated: boolean;
  readonly attribution: RequestAttribution | undefined;
  /** Attempts billed besides the one that served (M10), recorded in the row's metadata. */
  readonly charged: readonly ChargedAttempt[];
}

export interface LedgerSink {
  write(ctx: RequestContext, o: RequestOutcome, facts: LedgerFacts): void;
}

export class StorageLedgerSink implements LedgerSink {
  constructor(private readonly writer: LedgerWriter) {}

  write(ctx: RequestContext, o: RequestOutcome, f: LedgerFacts): void {
    const p = ctx.principal;
    const d = f.deployment;
    const metadata = {
      ...(f.unpriced ? { unpriced: true } : {}),
      ...(f.usageEstimated ? { usage_estimated: true } : {}),
      ...(f.charged.length > 0 ? { charged_attempts: f.charged } : {}),
    };
    this.writer.write({
      request_id: o.requestId,
      created_at: f.startedAt,
      key_id: p.keyId,
      key_name: p.keyName,
      user_id: p.userId ?? null,
      team_id: p.teamId ?? null,
      org_id: p.orgId ?? null,
      end_user: f.attribution?.endUser ?? null,
      model: o.model,
      deployment: d?.id ?? null,
      provider: d?.provider.name ?? null,
      surface: o.route,
      attempts: o.attemptLog.map((a) => ({ deployment: a.deployment, status: a.status, error_code: a.code, latency_ms: Math.round(a.latencyMs), ...(a.continuation ? { continuation: true } : {}) })),
      status: o.status,
      error_code: o.code ?? null,
      input_tokens: o.usage?.inputTokens ?? 0,
      cached_input_tokens: o.usage?.cachedInputTokens ?? 0,
      cache_write_tokens: o.usage?.cacheWriteTokens ?? 0,
      output_tokens: o.usage?.outputTokens ?? 0,
      reasoning_tokens: o.usage?.reasoningTokens ?? 0,
      cost_nanos: f.costNanos,
      latency_ms: Math.round(o.latencyMs),
      ttft_ms: o.ttftMs === undefined ? null : Math.round(o.ttftMs),
      stream: o.stream,
      cache_status: 'bypass',
      tags: f.attribution?.tags ?? [],
      ...(f.unpriced || f.usageEstimated || f.charged.length > 0 ? { metadata } : {}),
    });
  }
}
