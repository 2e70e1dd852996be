// `npm run bench`: starts the simulator and the gateway, runs every scenario against both in
// alternating rounds, stops them, and writes bench/RESULTS.md (see bench/README.md).
//   --quick       about a minute instead of about four (shorter rounds, no profile)
//   --profile     also profile the gateway (default in a full run); --no-profile to skip
//   --no-pin      do not pin processes to cores with taskset
//   --out FILE    where to write the report (default bench/RESULTS.md)
//   --keep        keep the temp dir (gateway config, logs, .cpuprofile)
//   --target reference-proxy   measure the bare reference proxy (reference-proxy.ts) in the
//                 gateway's place: the floor for this machine (default: tollgate)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { runClosedLoop } from './closed-loop.js';
import { runScenario, type ScenarioResult } from './interleave.js';
import { describeCode } from './code-version.js';
import { describeMachine, loadAverage } from './machine.js';
import { choosePinning, describeAffinity, pinSelf, type Pinning } from './pinning.js';
import { memoryKb, procAvailable } from './proc-stats.js';
import { profileGateway, type ProfileOutcome } from './profile-run.js';
import { startRedisServer } from '../../src/state/redis/redis-server-process.js';
import { startGateway, startReferenceProxy, startSimulator, type Child } from './processes.js';
import { waitForQuiet } from './quiet.js';
import { renderResults, type RunReport } from './results-markdown.js';
import { scenarios } from './scenarios.js';
import { sendRequest } from './send-request.js';
import { renderSummary } from './summary.js';
import { chatTarget, type TargetName } from './target.js';
import { checkTargets } from './targets.js';

/** dist/bench/load/run.js → bench/RESULTS.md at the repository root. */
const DEFAULT_OUT = fileURLToPath(new URL('../../../bench/RESULTS.md', import.meta.url));
/** Enough connections that the open loop never queues in the client at the rates we offer. */
const CLIENT_CONNECTIONS = 128;
const WARMUP_CONCURRENCY = 16;

const log = (line: string): void => void process.stdout.write(`${line}\n`);

function pinningText(p: Pinning, pids: { gateway: number; simulator: number }): string {
  if (!p.enabled) return `No pinning (${p.reason}): the gateway, the simulator and the load generator float over all cores.`;
  return [
    `taskset: the gateway alone on core ${p.gatewayCpu}; the simulator and the load generator share core ${p.loadCpu}.`,
    `Affinity as the kernel reports it (Cpus_allowed_list): gateway ${describeAffinity(pids.gateway)}, simulator ${describeAffinity(pids.simulator)}, load generator ${describeAffinity(process.pid)}.`,
  ].join('\n');
}

function once(pool: Pool, target: ReturnType<typeof chatTarget>): Promise<string | undefined> {
  return new Promise((resolve) => sendRequest(pool, target, (failure) => resolve(failure)));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean' },
      'no-profile': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
      keep: { type: 'boolean', default: false },
      governance: { type: 'string', default: 'none' },
      target: { type: 'string', default: 'tollgate' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const governance = values.governance;
  if (governance !== 'none' && governance !== 'memory' && governance !== 'redis') {
    log(`bench: --governance must be none, memory or redis, got '${governance}'`);
    return 2;
  }
  const reference = values.target === 'reference-proxy';
  if (!reference && values.target !== 'tollgate') {
    log(`bench: --target must be tollgate or reference-proxy, got '${values.target}'`);
    return 2;
  }
  if (reference && governance !== 'none') {
    log('bench: the reference proxy has no governance to measure');
    return 2;
  }
  const warmupMs = quick ? 2_000 : 6_000;
  const wantProfile = !reference && (values['no-profile'] ? false : (values.profile ?? !quick));
  if (!procAvailable()) log('bench: /proc is not readable: CPU and RSS figures will be n/a');

  const startedAt = new Date();
  const t0 = performance.now();
  const loadStart = loadAverage();
  const pinning = choosePinning(!values['no-pin']);
  pinSelf(pinning);
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const children: Child[] = [];
  const pools: Pool[] = [];
  try {
    const sim = await startSimulator(pinning);
    children.push(sim);
    let stateUrl: string | undefined;
    if (governance === 'redis') {
      const redis = await startRedisServer();
      children.push({ name: 'redis', pid: 0, origin: redis.url, stop: () => redis.stop() });
      stateUrl = redis.url;
      log(`redis ${redis.url}`);
    } else if (governance === 'memory') stateUrl = 'memory://';
    const gw = reference
      ? await startReferenceProxy(pinning, { upstreamOrigin: sim.origin, workDir })
      : await startGateway(pinning, { upstreamOrigin: sim.origin, workDir, governance: stateUrl ? { stateUrl } : undefined });
    children.push(gw);
    const pinText = pinningText(pinning, { gateway: gw.pid, simulator: sim.pid });
    log(`simulator ${sim.origin} (pid ${sim.pid}), gateway ${gw.origin} (pid ${gw.pid}), work dir ${workDir}`);
    log(pinText);

    const mkPool = (origin: string): Pool => {
      const p = new Pool(origin, { connections: CLIENT_CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
      pools.push(p);
      return p;
    };
    const cores = pinning.enabled ? { gateway: Number(pinning.gatewayCpu), load: Number(pinning.loadCpu) } : undefined;
    const ep = { pools: { direct: mkPool(sim.origin), gateway: mkPool(gw.origin) }, origins: { direct: sim.origin, gateway: gw.origin }, gatewayPid: gw.pid, simulatorPid: sim.pid, cores };
    for (const name of ['direct', 'gateway'] as TargetName[]) {
      for (const stream of [false, true]) {
        const failure = await once(ep.pools[name], chatTarget(name, ep.origins[name], stream));
        if (failure) throw new Error(`sanity request ${name} ${stream ? 'stream' : 'json'} failed: ${failure} (gateway log: ${gw.logFile})`);
      }
    }

    const quietness = await waitForQuiet(quick ? 15_000 : 60_000, log);
    // Long-running gateways are JIT-compiled and have their pools open: get there before measuring.
    log(`warming up (${warmupMs / 1000} s per target)…`);
    for (const name of ['direct', 'gateway'] as TargetName[]) {
      await runClosedLoop(ep.pools[name], chatTarget(name, ep.origins[name], false), WARMUP_CONCURRENCY, warmupMs / 2);
      await runClosedLoop(ep.pools[name], chatTarget(name, ep.origins[name], true), WARMUP_CONCURRENCY, warmupMs / 2);
    }

    const results: ScenarioResult[] = [];
    const budget = quick ? { retries: 4, waitMs: 15_000 } : { retries: 10, waitMs: 60_000 };
    for (const s of scenarios(quick)) {
      log(`\n${s.title}`);
      results.push(await runScenario(s, ep, budget, log));
    }
    const finalMem = memoryKb(gw.pid);
    await Promise.all(pools.splice(0).map((p) => p.close()));
    await gw.stop();
    children.splice(children.indexOf(gw), 1);

    let profile: ProfileOutcome | string | undefined;
    if (wantProfile) {
      log('\nprofiling a second gateway process (node --cpu-prof)…');
      try {
        profile = await profileGateway(pinning, sim.origin, workDir, quick ? 2_000 : 5_000, quick ? 1_000 : 3_000);
        log(`profile: ${profile.file}${values.keep ? '' : ' (removed at exit; keep it with --keep)'}`);
      } catch (e) {
        profile = e instanceof Error ? e.message : String(e);
      }
    }

    const report: RunReport = {
      startedAt,
      durationS: (performance.now() - t0) / 1000,
      quick,
      machine: describeMachine(),
      code: describeCode(),
      governance: reference
        ? 'NOT the gateway: the bare reference proxy (bench/load/reference-proxy.ts: node:http + undici Pool, body parsed and model renamed, nothing else) in its place, to show the floor on this machine'
        : governance === 'none'
          ? 'authentication, per-request ledger row, logs and metrics; no budgets or rate limits configured (counters still track spend in memory)'
          : `authentication plus a key budget, RPM, TPM and concurrency limit on every request (never reached), counters in ${governance === 'redis' ? 'a local Redis' : 'process memory'}, ledger, logs and metrics`,
      loadAvg: { start: loadStart, end: loadAverage() },
      pinning: pinText,
      quiet: quietness,
      results,
      checks: checkTargets(results, finalMem.hwmKb),
      peakRssKb: finalMem.hwmKb,
      finalRssKb: finalMem.rssKb,
      profile,
    };
    writeFileSync(values.out, renderResults(report));
    log(renderSummary(report));
    log(`\nwrote ${values.out}`);
    return 0;
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    for (const c of children.reverse()) await c.stop();
    if (values.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
