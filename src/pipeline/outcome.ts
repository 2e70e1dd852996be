// What happened to one request, recorded once at its end: one log line and the metrics.
import type { Logger } from 'pino';
import type { Usage } from '../core/usage.js';
import type { Metrics } from '../telemetry/metrics.js';

export interface AttemptRecord {
  readonly deployment: string;
  readonly status: number;
  readonly code: string | null;
  readonly latencyMs: number;
  /** This call continued a stream an earlier call broke off (stream_recovery: continue). */
  readonly continuation?: true;
}

export interface RequestOutcome {
  readonly requestId: string;
  readonly route: string;
  readonly keyName: string | undefined;
  /** The model name the client asked for; "unknown" when it is not configured. */
  readonly model: string;
  readonly deployment: string | undefined;
  readonly status: number;
  readonly code: string | undefined;
  readonly usage: Usage | null;
  readonly attempts: number;
  /** Every upstream call made, in order. */
  readonly attemptLog: readonly AttemptRecord[];
  readonly latencyMs: number;
  readonly ttftMs: number | undefined;
  readonly stream: boolean;
  readonly upstreamStatus: number | undefined;
}

function attemptLine(a: AttemptRecord): Record<string, unknown> {
  return { deployment: a.deployment, status: a.status, code: a.code, latency_ms: Math.round(a.latencyMs * 100) / 100, ...(a.continuation ? { continuation: true } : {}) };
}

export function recordOutcome(metrics: Metrics, logger: Logger, o: RequestOutcome): void {
  const deployment = o.deployment ?? 'none';
  const series = metrics.requestSeries(o.route, o.model, deployment, o.status);
  series.count.inc();
  series.duration.observe(o.latencyMs / 1000);
  if (o.code) metrics.errors.inc({ code: o.code, route: o.route });
  if (o.usage && o.deployment) metrics.recordUsage(o.model, o.deployment, o.usage);
  if (o.ttftMs !== undefined && o.deployment) metrics.observeTimeToFirstToken(o.model, deployment, o.ttftMs / 1000);
  const line = {
    request_id: o.requestId,
    route: o.route,
    key_name: o.keyName,
    model: o.model,
    deployment: o.deployment,
    status: o.status,
    code: o.code,
    stream: o.stream,
    attempts: o.attempts,
    latency_ms: Math.round(o.latencyMs * 100) / 100,
    ttft_ms: o.ttftMs === undefined ? undefined : Math.round(o.ttftMs * 100) / 100,
    upstream_status: o.upstreamStatus,
    input_tokens: o.usage?.inputTokens,
    cached_input_tokens: o.usage?.cachedInputTokens,
    output_tokens: o.usage?.outputTokens,
    reasoning_tokens: o.usage?.reasoningTokens,
    // Every call when there was more than one (a single call is the line itself): which failed, why.
    attempt_log: o.attemptLog.length > 1 ? o.attemptLog.map(attemptLine) : undefined,
  };
  if (o.status >= 500) logger.error(line, 'request failed');
  else if (o.status >= 400 && o.status !== 404) logger.warn(line, 'request refused');
  else logger.info(line, 'request');
}
