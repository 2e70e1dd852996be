// One ledger row per request, handed to the batched writer off the request path (M8): the row
// is queued synchronously and never waits for the database; the writer spools to disk when the
// database is down and replays later.
import type { LedgerWriter } from '../storage/ledger-writer.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import type { RequestAttribution } from '../policy/request-attribution.js';
import type { ChargedAttempt } from '../storage/ledger-queries.js';
import type { RequestContext } from './inference.js';
import type { RequestOutcome } from './outcome.js';

export interface LedgerSink {
  /** `charged`: attempts billed besides the one that served (M10), recorded in the row's metadata. */
  write(ctx: RequestContext, o: RequestOutcome, d: DeploymentRuntime | undefined, costNanos: bigint, startedAt: number, unpriced: boolean, attribution: RequestAttribution | undefined, charged?: readonly ChargedAttempt[]): void;
}

export class StorageLedgerSink implements LedgerSink {
  constructor(private readonly writer: LedgerWriter) {}

  write(ctx: RequestContext, o: RequestOutcome, d: DeploymentRuntime | undefined, costNanos: bigint, startedAt: number, unpriced: boolean, attribution: RequestAttribution | undefined, charged: readonly ChargedAttempt[] = []): void {
    const p = ctx.principal;
    this.writer.write({
      request_id: o.requestId,
      created_at: startedAt,
      key_id: p.keyId,
      key_name: p.keyName,
      user_id: p.userId ?? null,
      team_id: p.teamId ?? null,
      org_id: p.orgId ?? null,
      end_user: attribution?.endUser ?? null,
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
      cost_nanos: costNanos,
      latency_ms: Math.round(o.latencyMs),
      ttft_ms: o.ttftMs === undefined ? null : Math.round(o.ttftMs),
      stream: o.stream,
      cache_status: 'bypass',
      tags: attribution?.tags ?? [],
      // A row whose model has no known price says so, rather than looking like a free request.
      ...(unpriced || charged.length > 0 ? { metadata: { ...(unpriced ? { unpriced: true } : {}), ...(charged.length > 0 ? { charged_attempts: charged } : {}) } } : {}),
    });
  }
}
