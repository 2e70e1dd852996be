// Prometheus metrics. Label sets are small and bounded (model names come from config, not from
// clients: an unknown model is recorded as "unknown").
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Usage } from '../core/usage.js';

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;
interface RequestSeries {
  readonly count: CounterChild;
  readonly duration: HistogramChild;
}
interface TokenSeries {
  readonly input: CounterChild;
  readonly cachedInput: CounterChild;
  readonly cacheWrite: CounterChild;
  readonly output: CounterChild;
  readonly reasoning: CounterChild;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'tollgate_requests_total', help: 'Requests handled, by route, model, deployment, status', labelNames: ['route', 'model', 'deployment', 'status'], registers: [this.registry] });
  readonly requestDuration = new Histogram({ name: 'tollgate_request_duration_seconds', help: 'Time from request received to response finished', labelNames: ['route', 'model', 'deployment', 'status'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly upstreamDuration = new Histogram({ name: 'tollgate_upstream_duration_seconds', help: 'Upstream call time to response headers, by deployment and upstream status', labelNames: ['deployment', 'status'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly timeToFirstToken = new Histogram({ name: 'tollgate_time_to_first_token_seconds', help: 'Streams: time from request received to the first output token sent to the client', labelNames: ['model', 'deployment'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly tokens = new Counter({ name: 'tollgate_tokens_total', help: 'Provider-reported tokens by kind (input includes cached_input and cache_write; output includes reasoning)', labelNames: ['model', 'deployment', 'kind'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'tollgate_errors_total', help: 'Errors returned to clients (or sent mid-stream), by stable code', labelNames: ['code', 'route'], registers: [this.registry] });
  /** Where the in-flight count is read at scrape time (the server's own counter): nothing to update per request. */
  #inFlightSource: () => number = () => 0;
  readonly inFlight = (() => {
    const source = () => this.#inFlightSource();
    return new Gauge({ name: 'tollgate_in_flight_requests', help: 'Requests being handled now', registers: [this.registry], collect() { this.set(source()); } });
  })();
  readonly configReloads = new Counter({ name: 'tollgate_config_reloads_total', help: 'Successful config reloads, by trigger', labelNames: ['trigger'], registers: [this.registry] });
  readonly configReloadFailures = new Counter({ name: 'tollgate_config_reload_failures_total', help: 'Config reloads refused because the new config was invalid; the running config was kept', labelNames: ['trigger'], registers: [this.registry] });
  readonly configGeneration = new Gauge({ name: 'tollgate_config_generation', help: 'Generation number of the running config', registers: [this.registry] });
  readonly streamsIncomplete = new Counter({ name: 'tollgate_streams_incomplete_total', help: 'Streams that ended without a finish (upstream cut, upstream error frame, client gone), by reason', labelNames: ['deployment', 'reason'], registers: [this.registry] });

  readonly usageEstimated = new Counter({ name: 'tollgate_usage_estimated_total', help: 'Requests or billed attempts whose provider reported no usage, billed on the gateway\'s estimate instead (prompt by tokenizer, one token per output chunk), by deployment', labelNames: ['deployment'], registers: [this.registry] });
  readonly stateDegraded = new Counter({ name: 'tollgate_state_degraded_total', help: 'State store unreachable, by phase: reserve/settle = requests served unmetered (fail-open); breaker = calls made without a breaker check', labelNames: ['phase'], registers: [this.registry] });
  readonly ledgerEvents = new Counter({ name: 'tollgate_ledger_degraded_events_total', help: 'Ledger writer degradations (batches spooled to disk, spool write failures, rows rejected), by type', labelNames: ['type'], registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_process_' });
  }

  readInFlightFrom(source: () => number): void {
    this.#inFlightSource = source;
  }

  // Label children cached per label set: prom-client hashes the label object on every call, and a
  // request updates up to eight series (measured at a few % of the gateway's CPU).
  readonly #series = new Map<string, RequestSeries>();
  readonly #upstream = new Map<string, HistogramChild>();
  readonly #ttft = new Map<string, HistogramChild>();
  readonly #tokens = new Map<string, TokenSeries>();

  /** The request counter and histogram children for one label set. */
  requestSeries(route: string, model: string, deployment: string, status: number): RequestSeries {
    const k = `${route}\u0000${model}\u0000${deployment}\u0000${status}`;
    let s = this.#series.get(k);
    if (!s) {
      const labels = { route, model, deployment, status: String(status) };
      s = { count: this.requests.labels(labels), duration: this.requestDuration.labels(labels) };
      this.#series.set(k, s);
    }
    return s;
  }

  observeUpstream(deployment: string, status: number, seconds: number): void {
    const k = `${deployment}\u0000${status}`;
    let h = this.#upstream.get(k);
    if (!h) this.#upstream.set(k, (h = this.upstreamDuration.labels({ deployment, status: String(status) })));
    h.observe(seconds);
  }

  observeTimeToFirstToken(model: string, deployment: string, seconds: number): void {
    const k = `${model}\u0000${deployment}`;
    let h = this.#ttft.get(k);
    if (!h) this.#ttft.set(k, (h = this.timeToFirstToken.labels({ model, deployment })));
    h.observe(seconds);
  }

  recordUsage(model: string, deployment: string, u: Usage): void {
    const k = `${model}\u0000${deployment}`;
    let t = this.#tokens.get(k);
    if (!t) {
      const child = (kind: string) => this.tokens.labels({ model, deployment, kind });
      t = { input: child('input'), cachedInput: child('cached_input'), cacheWrite: child('cache_write'), output: child('output'), reasoning: child('reasoning') };
      this.#tokens.set(k, t);
    }
    if (u.inputTokens > 0) t.input.inc(u.inputTokens);
    if (u.cachedInputTokens > 0) t.cachedInput.inc(u.cachedInputTokens);
    if (u.cacheWriteTokens > 0) t.cacheWrite.inc(u.cacheWriteTokens);
    if (u.outputTokens > 0) t.output.inc(u.outputTokens);
    if (u.reasoningTokens > 0) t.reasoning.inc(u.reasoningTokens);
  }
}
