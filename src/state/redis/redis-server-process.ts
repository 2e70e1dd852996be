// For tests: a private redis-server on a free port, without persistence, stopped after use
// (TESTING.md: "Real parts, isolated"). Reusable by any suite that needs a real Redis.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** SIGKILL (an outage, not a shutdown) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its sockets open but answers nothing (a hang). */
  pause(): void;
  resume(): void;
}

/** Why redis-server cannot be used here, or null when it can. */
export function redisServerUnavailableReason(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error) return `redis-server not found on PATH (${r.error.message})`;
  return r.status === 0 ? null : `redis-server --version exited with ${r.status}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One raw PING over TCP; true when the server answers +PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const finish = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => finish(false));
    sock.once('error', () => finish(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => finish(d.toString().startsWith('+PONG')));
  });
}

/**
 * `args` are extra redis-server options (e.g. `--maxmemory-policy allkeys-lru`); later ones win.
 * `port` restarts a server where a stopped one was (an outage that ends with the data gone).
 */
export async function startRedisServer(args: readonly string[] = [], opts: { readonly port?: number } = {}): Promise<RedisServerProcess> {
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));

  const deadline = Date.now() + 10_000;
  while (!(await pingOnce(port))) {
    if (!alive || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (alive) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
  };
}
