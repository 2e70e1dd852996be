// For tests: a private Redis Cluster of three masters on free ports (no replicas, no persistence),
// so the store's scripts are proven where every key of a script must live in one hash slot.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServerProcess } from './redis-server-process.js';

export interface RedisClusterProcess {
  /** One seed node; the client discovers the others. */
  readonly url: string;
  readonly nodes: readonly RedisServerProcess[];
  stop(): Promise<void>;
}

/** Why a cluster cannot be built here (redis-cli missing), or null. */
export function redisClusterUnavailableReason(): string | null {
  const r = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  if (r.error) return `redis-cli not found on PATH (${r.error.message})`;
  return r.status === 0 ? null : `redis-cli --version exited with ${r.status}`;
}

function clusterInfo(port: number): string {
  return spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout ?? '';
}

export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-redis-cluster-'));
  const nodes: RedisServerProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const n of nodes) await n.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`), '--dir', dir]));
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 15_000;
    while (!nodes.every((n) => clusterInfo(n.port).includes('cluster_state:ok'))) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: nodes[0]!.url, nodes, stop };
}
