// Composition root: load config, build every part, start serving, and stop cleanly.
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigHolder } from './config/config-holder.js';
import { loadConfigFile } from './config/load.js';
import { formatProblem } from './config/problems.js';
import type { RuntimeConfig } from './config/runtime.js';
import { openCounterStore } from './state/open-counter-store.js';
import { openStorage } from './storage/open-storage.js';
import { LedgerWriter } from './storage/ledger-writer.js';
import { KeyRepository } from './storage/key-repository.js';
import { KeyDirectory } from './policy/key-directory.js';
import { joinReplicas } from './policy/replica-guard.js';
import { InstanceRegistry } from './storage/instance-registry.js';
import { StorageLedgerSink } from './pipeline/ledger-sink.js';
import { InferencePipeline } from './pipeline/inference.js';
import { UpstreamPools } from './pipeline/upstream-pools.js';
import { ImageFetcher } from './pipeline/image-fetch.js';
import { GatewayServer } from './server/http-server.js';
import type { ReadinessCheck } from './server/health.js';
import { createLogger, flushLogger } from './telemetry/logger.js';
import { Metrics } from './telemetry/metrics.js';

export interface StartOptions {
  readonly configPath: string;
  readonly port?: number;
  readonly host?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replace the log destination (tests). */
  readonly logger?: Logger;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (the CLI does; tests don't). */
  readonly handleSignals?: boolean;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly config: ConfigHolder;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly simulatorUrl: string | undefined;
  /** Graceful stop: in-flight requests finish within the configured grace period. */
  stop(): Promise<{ forced: number }>;
}

export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const initial: RuntimeConfig = loadConfigFile(opts.configPath, { env: opts.env });
  const logger = opts.logger ?? createLogger(initial.logLevel);
  const holder = new ConfigHolder(initial);
  const metrics = new Metrics();
  metrics.configGeneration.set(initial.generation);
  for (const [name, reason] of initial.disabledProviders) logger.warn({ provider: name, reason }, 'provider switched off');

  const closers: Array<() => Promise<void>> = [];
  let simulatorUrl: string | undefined;
  if (initial.simulator) {
    // Loaded only when the config asks for it: a production gateway carries none of the simulator.
    const { startMock } = await import('./mock/server.js');
    const sim = await startMock({ port: initial.simulator.port, host: initial.simulator.host });
    simulatorUrl = sim.url;
    closers.push(() => sim.close());
    logger.info({ url: sim.url }, 'built-in provider simulator listening');
  }

  // Counters (limits, budgets, breakers) and the database. Both are reached before serving, so a
  // bad URL stops the start with a clear error instead of failing requests later.
  // Settled/expired reservation records are kept one hour (not the store default of 24 h): long
  // enough for any late settle of a lease that expired, without holding a record per request for a day.
  const state = await openCounterStore(initial.stateUrl, { recordRetentionMs: 3_600_000 });
  closers.push(() => state.close());
  const storage = await openStorage(initial.storageUrl, { onBackgroundError: (err) => logger.error({ err }, 'storage connection error') });
  closers.push(() => storage.close());
  logger.info({ state: state.kind, storage: storage.backend, location: storage.location }, 'state and storage ready');
  // M9: replicas that would keep separate counters (memory:// beside another gateway on the same
  // database) are refused here, before serving.
  const membership = await joinReplicas({
    registry: new InstanceRegistry(storage.db),
    stateKind: state.kind,
    sharedState: state.shared,
    onError: (err) => logger.warn({ err }, 'gateway instance heartbeat failed'),
  }).catch(async (err: unknown) => {
    for (const c of [...closers].reverse()) await c().catch(() => undefined);
    throw err;
  });
  closers.push(() => membership.leave());

  // One spool file per process: cluster workers would otherwise append to and compact the same file.
  const spoolPath = cluster.isWorker ? `${initial.governance.spoolPath}.worker-${cluster.worker?.id ?? process.pid}` : initial.governance.spoolPath;
  const ledger = new LedgerWriter({
    db: storage.db,
    spoolPath,
    onEvent: (e) => {
      metrics.ledgerEvents.inc({ type: e.type });
      logger.warn({ event: e.type, ...('rows' in e ? { rows: e.rows } : {}) }, 'ledger writer degraded');
    },
  });
  // Closed after the server drained, before storage: every in-flight request's row is flushed.
  closers.push(() => ledger.close());

  const keyRepo = new KeyRepository(storage.db);
  const keys = new KeyDirectory(keyRepo, (err) => logger.error({ err }, 'key directory refresh failed'));
  await keys.start();
  closers.push(async () => keys.stop());

  const pools = new UpstreamPools();
  closers.push(() => pools.close());
  const images = new ImageFetcher();
  closers.push(() => images.close());
  const pipeline = new InferencePipeline({
    pools,
    images,
    metrics,
    logger,
    ledger: new StorageLedgerSink(ledger),
    admission: {
      store: state,
      onDegraded: (err, phase) => {
        metrics.stateDegraded.inc({ phase });
        logger.warn(
          { phase, err: err.message },
          phase === 'reserve'
            ? 'state store unavailable; serving unmetered (governance.on_state_unavailable: open)'
            : "state store unavailable; an admitted request's spend is not in the counters (the ledger has it; /admin/reconcile shows the drift)",
        );
      },
    },
  });
  const readiness: ReadinessCheck[] = [
    { name: 'state', check: () => state.ping() },
    { name: 'storage', check: () => storage.ping() },
  ];

  holder.onReload((r, next) => {
    if (r.ok && next) {
      metrics.configReloads.inc({ trigger: r.trigger });
      metrics.configGeneration.set(r.generation);
      pools.retainOnly(new Set([...next.providers.values()].map((p) => p.origin)));
      logger.info({ generation: r.generation, trigger: r.trigger }, 'config reloaded');
    } else if (!r.ok) {
      metrics.configReloadFailures.inc({ trigger: r.trigger });
      logger.error({ generation: r.generation, trigger: r.trigger, problems: r.problems.map((p) => formatProblem(p)) }, 'config reload refused; the running config is kept');
    }
  });
  if (initial.server.watchConfig) holder.watchFile();

  const server = new GatewayServer({ config: holder, pipeline, metrics, logger, readiness, admin: { state, storage, ledger, keys: keyRepo, directory: keys }, keys });
  const addr: AddressInfo = await server.listen(opts.port ?? initial.server.port, opts.host ?? initial.server.host);
  const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  logger.info({ url, generation: initial.generation, models: [...initial.models.keys()] }, 'tollgate listening');

  let stopping: Promise<{ forced: number }> | undefined;
  const stop = (): Promise<{ forced: number }> =>
    (stopping ??= (async () => {
      holder.close();
      const grace = holder.current.server.shutdownGraceMs;
      logger.info({ in_flight: server.inFlight, grace_ms: grace }, 'shutting down');
      const r = await server.shutdown(grace);
      for (const c of closers.reverse()) await c().catch(() => undefined);
      logger.info({ forced: r.forced }, 'stopped');
      await flushLogger(logger);
      return r;
    })());

  if (opts.handleSignals) {
    process.on('SIGHUP', () => holder.reload('sighup'));
    const onStop = () => void stop().then(() => process.exit(0));
    process.once('SIGTERM', onStop);
    process.once('SIGINT', onStop);
  }

  return { url, port: addr.port, config: holder, metrics, logger, simulatorUrl, stop };
}
