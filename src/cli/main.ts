#!/usr/bin/env node
// The `tollgate` command.
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { runConfigCheck } from './config-check.js';
import { loadConfigFile } from '../config/load.js';
import { ConfigError } from '../config/problems.js';
import { GatewayError } from '../core/errors.js';

const USAGE = `usage:
  tollgate start [--config FILE] [--port N] [--host H] [--workers N]
  tollgate mock [--port N] [--host H] [--require-key K]
  tollgate config check FILE
  tollgate keys create --name N [--budget USD] [--period monthly] [--rpm N] [--tpm N] [--max-parallel N] [--expires 30d] [--user U] [--team T] [--org O] [--models a,b]
  tollgate keys list | keys revoke ID        (admin API at TOLLGATE_URL, key in TOLLGATE_ADMIN_KEY)
  tollgate users|teams|orgs create --name N [--team T] [--org O] [--budget USD --period P --window W --rpm N --tpm N --max-parallel N]
  tollgate users|teams|orgs list | update NAME [...] | delete NAME [--force]

TOLLGATE_CONFIG stands in for --config.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'mock': {
      const { runMockCommand } = await import('../mock/cli.js');
      await runMockCommand(rest);
      return -1; // keeps running until a signal
    }
    case 'keys': {
      const { runKeysCommand } = await import('./keys.js');
      return runKeysCommand(rest, console.log, console.error);
    }
    case 'users':
    case 'teams':
    case 'orgs': {
      const { runEntitiesCommand } = await import('./entities.js');
      return runEntitiesCommand(cmd, rest, console.log, console.error);
    }
    case 'config':
      if (rest[0] === 'check') return runConfigCheck(rest[1], console.log, console.error);
      console.error(USAGE);
      return 2;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      console.error(`unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string' } },
    strict: true,
  });
  const configPath = values.config ?? process.env['TOLLGATE_CONFIG'];
  if (!configPath) {
    console.error('tollgate start: no config file (use --config FILE or TOLLGATE_CONFIG)');
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65_536)) {
    console.error(`tollgate start: --port must be a port number, got '${values.port}'`);
    return 2;
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    console.error(`tollgate start: --workers must be a whole number from 1 to 256, got '${values.workers}'`);
    return 2;
  }
  let stateUrl: string;
  try {
    stateUrl = loadConfigFile(configPath).stateUrl;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  if (workers > 1 && cluster.isPrimary) {
    if (stateUrl.startsWith('memory:')) {
      console.error(
        `tollgate start: refusing --workers ${workers} with state.url ${stateUrl}: each worker would keep its own counters, so every limit and budget would be multiplied by ${workers}. Set state.url to a redis:// URL shared by all workers.`,
      );
      return 1;
    }
    for (let i = 0; i < workers; i++) cluster.fork();
    let alive = workers;
    const stopAll = () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', stopAll);
    process.once('SIGINT', stopAll);
    process.on('SIGHUP', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
    });
    await new Promise<void>((resolve) => cluster.on('exit', () => --alive === 0 && resolve()));
    return 0;
  }
  const { startGateway } = await import('../main.js');
  await startGateway({ configPath, port, host: values.host, handleSignals: true });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    // Config problems and refusals with a stable code (replicas_need_shared_state…) are the
    // operator's to fix: their message says how, and a stack trace would only bury it.
    console.error(err instanceof ConfigError ? err.message : err instanceof GatewayError ? `tollgate: ${err.message}` : err);
    process.exitCode = 1;
  },
);
