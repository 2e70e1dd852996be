// /health/ready answers "can this replica serve?": config loaded, every dependency reachable,
// and at least one deployment usable. /health/live only says the process answers.
import type { RuntimeConfig } from '../config/runtime.js';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export async function handleReady(
  cfg: RuntimeConfig,
  checks: readonly ReadinessCheck[],
  shuttingDown: boolean,
): Promise<{ status: number; body: string }> {
  const results: Record<string, string> = {};
  let ok = !shuttingDown;
  if (shuttingDown) results['server'] = 'shutting down';
  results['config'] = `generation ${cfg.generation}`;
  const deployments = new Set<string>();
  for (const g of cfg.models.values()) for (const d of g.deployments) deployments.add(d.id);
  if (deployments.size === 0) {
    ok = false;
    results['deployments'] = 'no usable deployment (every provider is switched off or none is configured)';
  } else results['deployments'] = `${deployments.size} usable`;
  await Promise.all(
    checks.map(async (c) => {
      try {
        await c.check();
        results[c.name] = 'ok';
      } catch (err) {
        ok = false;
        results[c.name] = (err as Error).message;
      }
    }),
  );
  return { status: ok ? 200 : 503, body: JSON.stringify({ status: ok ? 'ready' : 'not_ready', checks: results }) };
}
