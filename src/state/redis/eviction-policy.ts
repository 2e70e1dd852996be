// Budget counters, reservations and rate-limit logs must never be evicted: a counter Redis drops
// under memory pressure is spend that silently never happened (overspend, M4), and a dropped
// reservation record turns its settlement into a no-op. So the store insists on
// `maxmemory-policy noeviction` (Redis then refuses writes when full, which admission sees as
// state_unavailable and handles as configured: fail closed or open) — checked at start and again
// on every (re)connection, since a failover may land on a differently configured server.
import { GatewayError } from '../../core/errors.js';
import type { RedisClient } from './lua-script.js';

export const REQUIRED_POLICY = 'noeviction';

/** Redis would evict our keys: the store will not run on it. */
export class StateMisconfiguredError extends GatewayError {
  constructor(readonly policy: string, readonly node: string) {
    super(
      'state_misconfigured',
      503,
      `Redis at ${node} has maxmemory-policy ${policy}: it may evict budget counters and reservations, which would let spend pass every budget unseen. Set maxmemory-policy ${REQUIRED_POLICY} (CONFIG SET maxmemory-policy ${REQUIRED_POLICY}, or in redis.conf).`,
    );
  }
}

export type EvictionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: StateMisconfiguredError }
  /** CONFIG is disabled or forbidden (common on managed Redis): the policy cannot be read. */
  | { readonly ok: 'unknown'; readonly reason: string };

function nodeName(c: { options: { host?: string; port?: number } }): string {
  return `${c.options.host ?? 'localhost'}:${c.options.port ?? 6379}`;
}

async function policyOf(node: { config(op: 'GET', name: string): Promise<unknown> }): Promise<string> {
  const reply = await node.config('GET', 'maxmemory-policy');
  // [name, value] (RESP2) or {name: value} (RESP3).
  if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  if (reply && typeof reply === 'object' && typeof (reply as Record<string, unknown>)['maxmemory-policy'] === 'string') return (reply as Record<string, string>)['maxmemory-policy']!;
  throw new Error(`unexpected CONFIG GET reply ${JSON.stringify(reply)}`);
}

/** Reads the policy of every master (one server, or each master of a cluster). */
export async function checkEvictionPolicy(client: RedisClient): Promise<EvictionCheck> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client];
  for (const node of nodes) {
    let policy: string;
    try {
      policy = await policyOf(node as unknown as { config(op: 'GET', name: string): Promise<unknown> });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // A command that is renamed away, unknown or not permitted; anything else is an outage.
      if (/unknown command|NOPERM|no permissions|not allowed|disabled/i.test(why)) return { ok: 'unknown', reason: why };
      throw err;
    }
    if (policy !== REQUIRED_POLICY) return { ok: false, error: new StateMisconfiguredError(policy, nodeName(node as unknown as { options: { host?: string; port?: number } })) };
  }
  return { ok: true };
}
