// The processes under test: the provider simulator and the gateway, each a child process on a
// free loopback port, pinned as `Pinning` says. Started from the compiled CLI in dist/.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort } from './free-port.js';
import { pinnedCommand, type Pinning } from './pinning.js';

/** dist/bench/load/ → dist/src/cli/main.js */
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const REFERENCE_PROXY = fileURLToPath(new URL('./reference-proxy.js', import.meta.url));

export const BENCH_KEY = 'sk-bench-0123456789abcdef';
export const GATEWAY_MODEL = 'chat';
export const UPSTREAM_MODEL = 'bench-model';

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly origin: string;
  stop(): Promise<void>;
}

function stopper(name: string, child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      if (!child.kill('SIGTERM')) {
        clearTimeout(force);
        process.stderr.write(`bench: could not signal ${name} (pid ${child.pid})\n`);
        resolve();
      }
    });
}

function failOnEarlyExit(name: string, child: ChildProcess, logHint: string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${name} exited early (code ${code}, signal ${signal}); ${logHint}`)));
    child.once('error', (err) => reject(new Error(`${name} could not start: ${err.message}`)));
  });
}

export async function startSimulator(pinning: Pinning): Promise<Child> {
  const port = await freePort();
  const [cmd, args] = pinnedCommand(pinning, pinning.loadCpu, [CLI, 'mock', '--port', String(port), '--host', '127.0.0.1']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const listening = new Promise<string>((resolve) => {
    let seen = '';
    child.stdout?.on('data', (buf: Buffer) => {
      seen += buf.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m?.[1]) resolve(m[1]);
    });
  });
  const origin = await Promise.race([listening, failOnEarlyExit('simulator', child, 'see stderr above'), timeout('simulator', 20_000)]);
  child.removeAllListeners('exit');
  return { name: 'simulator', pid: child.pid as number, origin, stop: stopper('simulator', child) };
}

export interface GatewayOptions {
  readonly upstreamOrigin: string;
  readonly workDir: string;
  /** Extra node flags (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
  /** Suffix for the config and log file names, so several gateways can share the work dir. */
  readonly label?: string;
  /** Budgets and rate limits on, with counters in this state store (issue 5's benchmark). */
  readonly governance?: { readonly stateUrl: string };
}

/**
 * The ledger goes to a SQLite file in the work dir, as a real deployment's would: with
 * `sqlite::memory:` every ledger row would stay in the gateway's memory and inflate its RSS.
 */
export function gatewayConfigYaml(upstreamOrigin: string, dbFile: string, governance?: { readonly stateUrl: string }): string {
  // With governance, every request is admitted against a key budget, RPM, TPM and a concurrency
  // limit (set far above what the run can reach, so nothing is refused) and settled to its cost.
  const gov = governance
    ? {
        state: `state: { url: "${governance.stateUrl}" }\npricing:\n  ${UPSTREAM_MODEL}: { input: 2.5, output: 10, max_output_tokens: 64 }\n`,
        key: `, budget: { usd: 1000000, period: monthly }, limits: { rpm: 100000000, tpm: 1000000000, max_parallel: 100000 }`,
      }
    : { state: '', key: '' };
  return `# Written by bench/load for one run.
server: { port: 0, host: 127.0.0.1, watch_config: false }
logging: { level: info }
storage: { url: "sqlite://${dbFile}" }
${gov.state}providers:
  sim: { type: openai-compatible, base_url: ${upstreamOrigin}/v1 }
models:
  ${GATEWAY_MODEL}: { deployments: [ { provider: sim, model: ${UPSTREAM_MODEL} } ] }
keys:
  - { name: bench, key: ${BENCH_KEY}${gov.key} }
`;
}

export async function startGateway(pinning: Pinning, opts: GatewayOptions): Promise<Child & { readonly logFile: string }> {
  const label = opts.label ?? 'gateway';
  const configFile = join(opts.workDir, `${label}.yaml`);
  const logFile = join(opts.workDir, `${label}.log`);
  writeFileSync(configFile, gatewayConfigYaml(opts.upstreamOrigin, join(opts.workDir, `${label}.db`), opts.governance));
  const port = await freePort();
  // JSON request logs go to a file: the gateway pays for writing them, as it would in production.
  const logFd = openSync(logFile, 'w');
  const [cmd, args] = pinnedCommand(pinning, pinning.gatewayCpu, [...(opts.nodeFlags ?? []), CLI, 'start', '--config', configFile, '--port', String(port)]);
  // Run in the work dir so any file the gateway writes relative to its cwd (spool, .tollgate/) lands there.
  const child = spawn(cmd, args, { cwd: opts.workDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const origin = `http://127.0.0.1:${port}`;
  await Promise.race([waitLive(origin, child), failOnEarlyExit('gateway', child, `see ${logFile}`), timeout('gateway', 30_000)]);
  child.removeAllListeners('exit');
  return { name: label, pid: child.pid as number, origin, logFile, stop: stopper(label, child) };
}

/** The reference proxy (reference-proxy.ts) in the gateway's place: same core, same port scheme, same checks. */
export async function startReferenceProxy(pinning: Pinning, opts: Pick<GatewayOptions, 'upstreamOrigin' | 'workDir'>): Promise<Child & { readonly logFile: string }> {
  const logFile = join(opts.workDir, 'reference-proxy.log');
  const port = await freePort();
  const logFd = openSync(logFile, 'w');
  const [cmd, args] = pinnedCommand(pinning, pinning.gatewayCpu, [REFERENCE_PROXY, '--port', String(port), '--upstream', opts.upstreamOrigin, '--model', UPSTREAM_MODEL]);
  const child = spawn(cmd, args, { cwd: opts.workDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const origin = `http://127.0.0.1:${port}`;
  await Promise.race([waitLive(origin, child), failOnEarlyExit('reference proxy', child, `see ${logFile}`), timeout('reference proxy', 30_000)]);
  child.removeAllListeners('exit');
  return { name: 'reference-proxy', pid: child.pid as number, origin, logFile, stop: stopper('reference-proxy', child) };
}

async function waitLive(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (child.exitCode === null && Date.now() < deadline) {
    try {
      const res = await request(`${origin}/health/live`);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway at ${origin} never answered /health/live`);
}

function timeout(name: string, ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${name} did not become ready within ${ms} ms`)), ms).unref());
}
