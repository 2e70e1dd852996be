// Test helpers for the router: deployments and groups without a config file, and a seeded PRNG so
// distribution tests are deterministic.
import type { DeploymentRuntime, ModelGroupRuntime, ProviderRuntime } from '../config/runtime.js';
import { RoundRobinCursors } from './strategies/round-robin.js';
import type { Candidate, RoutingHints, StrategyContext } from './strategies/strategy.js';

function provider(name: string): ProviderRuntime {
  return Object.freeze({
    name,
    type: 'openai',
    origin: 'http://127.0.0.1:1',
    basePath: '/v1',
    apiKey: undefined,
    apiVersion: undefined,
    organization: undefined,
    project: undefined,
    region: undefined,
    headers: {},
    forwardHeaders: { exact: new Set<string>(), prefixes: [] },
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 1000 },
    maxConnections: 1,
    breaker: { failureThreshold: 5, cooldownMs: 30_000 },
  });
}

/** `id` is `provider/model`. */
export function deployment(id: string, weight = 1): DeploymentRuntime {
  const [p, m] = id.split('/') as [string, string];
  return Object.freeze({ id, provider: provider(p), model: m ?? p, weight, dropParams: new Set<string>(), defaultMaxTokens: undefined });
}

export function group(
  name: string,
  ids: readonly string[],
  opts: { strategy?: ModelGroupRuntime['strategy']; fallbacks?: readonly string[] } = {},
): ModelGroupRuntime {
  return Object.freeze({
    name,
    kind: 'chat' as const,
    strategy: opts.strategy ?? 'weighted',
    deployments: ids.map((id) => deployment(id)),
    fallbacks: opts.fallbacks ?? [],
  });
}

export function candidate(id: string, o: { inFlight?: number; ewmaMs?: number; weight?: number } = {}): Candidate {
  return { deployment: deployment(id, o.weight ?? 1), inFlight: o.inFlight ?? 0, ewmaMs: o.ewmaMs };
}

/** mulberry32: small, fast, and good enough for distribution tests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function context(o: Partial<StrategyContext> & { hints?: RoutingHints } = {}): StrategyContext {
  return { groupName: 'g', random: seeded(1), hints: {}, cursors: new RoundRobinCursors(), ...o };
}

export const ids = (cs: readonly Candidate[]): string[] => cs.map((c) => c.deployment.id);
