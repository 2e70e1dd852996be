// A config with priced simulator models, budgets and limits, for governance tests.
import { ADMIN_KEY, KEY } from './harness.js';

/** $100 per 1M input tokens and $200 per 1M output: 100,000 and 200,000 nano-dollars per token. */
export const INPUT_NANOS_PER_TOKEN = 100_000n;
export const OUTPUT_NANOS_PER_TOKEN = 200_000n;

export function governedConfig(o: { mockUrl: string; spoolPath: string; stateUrl?: string; storageUrl?: string; port?: number; keys?: string; extra?: string; failOpen?: boolean; models?: string; pricing?: string; governance?: string; providers?: string }): string {
  return `
server: { port: ${o.port ?? 0}, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
logging: { level: warn }
storage: { url: "${o.storageUrl ?? 'sqlite::memory:'}" }
state: { url: "${o.stateUrl ?? 'memory://'}" }
governance:
  spool_path: ${o.spoolPath}
  on_state_unavailable: ${o.failOpen ? 'open' : 'closed'}
${o.governance ?? ''}
providers:
  sim: { type: openai-compatible, base_url: ${o.mockUrl}/v1, forward_headers: [x-mock-*] }
${o.providers ?? ''}
pricing:
  sim-model-1: { input: 100, output: 200, max_output_tokens: 64 }
${o.pricing ?? ''}
models:
  chat:
    deployments: [ { provider: sim, model: sim-model-1 } ]
  unpriced:
    deployments: [ { provider: sim, model: sim-unpriced } ]
${o.models ?? ''}
orgs:
  - { name: acme }
teams:
  - { name: search, org: acme, budget: { usd: 100, period: monthly } }
users:
  - { name: alice, team: search, budget: { usd: 0.02, period: daily } }
keys:
  - { name: plain, key: ${KEY} }
  - { name: budgeted, key: sk-budgeted-0123456789abcdef, budget: { usd: 1, period: none } }
  - { name: alice-team-key, key: sk-alice-team-0123456789ab, user: alice, team: search }
  - { name: rpm10, key: sk-rpm10-0123456789abcdef, limits: { rpm: 10 } }
  - { name: tpm, key: sk-tpm-0123456789abcdefgh, limits: { tpm: 1000 } }
  - { name: parallel2, key: sk-parallel2-0123456789abcd, limits: { max_parallel: 2 } }
${o.keys ?? ''}
${o.extra ?? ''}`;
}

export const PROMPT = 'Say hello to the budget test';

export function chatBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: PROMPT }], max_tokens: 12, ...extra });
}

/** Fires `total` requests with at most `concurrency` in flight; returns every response. */
export async function fire(total: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<Array<{ status: number; body: string; headers: Headers }>> {
  const out: Array<{ status: number; body: string; headers: Headers }> = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const res = await send(i);
        out[i] = { status: res.status, body: await res.text(), headers: res.headers };
      }
    }),
  );
  return out;
}

export interface HeldBurst {
  /** Every response, once the burst was released. */
  readonly results: Array<{ status: number; body: string; headers: Headers }>;
}

/**
 * A deterministic race (TESTING.md): fires `total` requests at once; every admitted one waits at
 * the simulator's barrier `id` while the refused ones come back. Once every request is either back
 * or waiting, one extra request (`release`, from a key no limit applies to) fills the barrier and
 * lets the admitted ones finish together. So no admitted request settles before the last admission
 * decision: a limit that only counted settled usage (M2) would admit them all.
 */
export async function heldBurst(o: {
  mockUrl: string;
  total: number;
  id: string;
  /** Sends request i with the barrier headers given. */
  send: (i: number, barrier: Record<string, string>) => Promise<Response>;
  release: (barrier: Record<string, string>) => Promise<Response>;
  /** How many the limit should admit: the barrier holds that many, plus the release. */
  expectAdmitted: number;
}): Promise<HeldBurst> {
  const barrier = { 'x-mock-barrier': String(o.expectAdmitted + 1), 'x-mock-barrier-id': o.id, 'x-mock-barrier-timeout-ms': '10000' };
  let back = 0;
  const pending = Array.from({ length: o.total }, async (_, i) => {
    const res = await o.send(i, barrier);
    const r = { status: res.status, body: await res.text(), headers: res.headers };
    back++;
    return r;
  });
  const waiting = async () => ((await (await fetch(`${o.mockUrl}/_mock/barriers?id=${o.id}`)).json()) as { waiting: number }).waiting;
  // Bounded wait: a gateway that admits more than expected releases the barrier early, and the
  // counts below then show it.
  for (let t = 0; t < 400 && back + (await waiting()) < o.total; t++) await new Promise((r) => setTimeout(r, 25));
  const released = o.release(barrier).then(async (r) => r.text());
  const results = await Promise.all(pending);
  await released;
  return { results };
}
