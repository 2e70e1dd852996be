import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from './load.js';
import { ConfigError } from './problems.js';

const withBreaker = (breaker: string) => `
providers:
  p: { type: openai-compatible, base_url: http://127.0.0.1:9/v1${breaker ? `, breaker: ${breaker}` : ''} }
models:
  chat: { deployments: [ { provider: p, model: m1 } ] }
`;
const breakerOf = (b: string) => loadConfigText(withBreaker(b), { env: {} }).providers.get('p')!.breaker;

test('a provider without a breaker block gets five failures, 30 s, one probe', () => {
  assert.deepEqual(breakerOf(''), { failureThreshold: 5, cooldownMs: 30_000, halfOpenProbes: 1 });
});

test('failure_rate compiles to the stores’ policy, with defaults for min_requests and window', () => {
  assert.deepEqual(breakerOf('{ failures: 8, cooldown: 10s, half_open_probes: 2, failure_rate: { ratio: 0.25, min_requests: 20, window: 30s } }'), {
    failureThreshold: 8,
    cooldownMs: 10_000,
    halfOpenProbes: 2,
    failureRate: { ratio: 0.25, minRequests: 20, windowMs: 30_000 },
  });
  assert.deepEqual(breakerOf('{ failure_rate: { ratio: 0.5 } }').failureRate, { ratio: 0.5, minRequests: 10, windowMs: 60_000 });
});

test('a breaker that could never work is refused at load, with its path', () => {
  for (const [b, path] of [
    ['{ failure_rate: { ratio: 0 } }', 'providers.p.breaker.failure_rate.ratio'],
    ['{ failure_rate: { ratio: 1.5 } }', 'providers.p.breaker.failure_rate.ratio'],
    ['{ failure_rate: { ratio: 0.5, window: 0s } }', 'providers.p.breaker.failure_rate.window'],
    ['{ cooldown: 0 }', 'providers.p.breaker.cooldown'],
    ['{ failure_rate: { ratio: 0.5, min_request: 3 } }', 'providers.p.breaker.failure_rate.min_request'],
  ] as const) {
    assert.throws(() => loadConfigText(withBreaker(b), { env: {} }), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.path === path), b);
  }
});
