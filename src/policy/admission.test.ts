// Admission against a state store that fails the way Redis does under a timeout: the reserve script
// ran on the server, but the answer never arrived. The gateway refuses (fail closed), and gives the
// reservation back by its derived id instead of holding budget and a slot until the lease lapses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateUnavailableError } from '../core/errors.js';
import { loadConfigText } from '../config/load.js';
import type { CounterStore, ReserveRequest, ReserveResult } from '../state/counter-store.js';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.js';
import { admit } from './admission.js';
import { hashKey } from './authenticate.js';

const cfg = loadConfigText(
  `
providers:
  sim: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 }
pricing:
  m1: { input: 1, output: 2, max_output_tokens: 100 }
models:
  chat: { deployments: [ { provider: sim, model: m1 } ] }
keys:
  - { name: k, key: sk-admission-test-0123456789, budget: { usd: 1, period: none }, limits: { max_parallel: 1 } }
`,
  { env: {} },
);

/** Reserves for real, then loses the answer — what a command timeout looks like to the caller. */
class LostReplyStore extends MemoryCounterStore {
  override async reserve(req: ReserveRequest): Promise<ReserveResult> {
    await super.reserve(req);
    throw new StateUnavailableError('Redis counter store unavailable during reserve: Command timed out');
  }
}

test('a reserve whose answer was lost is given back, so budget and concurrency slots do not wait for the lease', async () => {
  const store = new LostReplyStore();
  const principal = cfg.keysByHash.get(hashKey('sk-admission-test-0123456789'))!;
  const group = cfg.models.get('chat')!;
  const request = { kind: 'chat' as const, req: { model: 'chat', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] } as never };
  const deps = { store: store as CounterStore, onDegraded: () => assert.fail('fail closed is the default') };
  await assert.rejects(admit(deps, cfg, principal, group, group.deployments, 'req-1', request, Date.now()), StateUnavailableError);
  // The release is fire-and-forget: let it run.
  await new Promise((r) => setImmediate(r));
  const u = await store.getUsage('default', 'key:cfg:k', 'none');
  assert.deepEqual([u.reservedNanos, u.inFlight], [0n, 0], 'nothing left reserved');
  assert.equal(u.requests, 1, 'the script ran (the request still counts as made)');
});
