// What a request is billed, against what the simulated provider billed (M6, M10): every token class
// at its own price; a stream cut short, or left by its client, for the tokens the provider produced;
// an attempt the provider billed before a fallback, on top of the fallback — on the key, and on each
// provider's own budget. The simulator's bill comes from GET /_mock/stats.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';

const KEY = 'sk-billing-0123456789abcdef';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      governedConfig({
        mockUrl,
        spoolPath: join(mkdtempSync(join(tmpdir(), 'tg-billing-')), 'spool.jsonl'),
        providers: `  hung: { type: openai-compatible, base_url: ${mockUrl}/v1, timeouts: { idle: 400ms }, breaker: { failures: 1000 }, budget: { usd: 50 } }
  backup: { type: openai-compatible, base_url: ${mockUrl}/v1, forward_headers: [x-mock-*], breaker: { failures: 1000 }, budget: { usd: 50 } }`,
        pricing: `  sim-classes: { input: 100, output: 200, cached_input: 10, reasoning: 400, max_output_tokens: 64 }
  model-h: { input: 100, output: 200, max_output_tokens: 64 }
  model-b: { input: 50, output: 100, max_output_tokens: 64 }`,
        models: `  classes:
    deployments: [ { provider: sim, model: sim-classes } ]
  primary: { deployments: [ { provider: hung, model: model-h } ], fallbacks: [backup] }
  backup: { deployments: [ { provider: backup, model: model-b } ] }`,
        keys: `  - { name: billing, key: ${KEY}, budget: { usd: 100, period: monthly } }`,
      }),
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
});

interface ModelBill {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}
const bill = async (model: string): Promise<ModelBill> =>
  ((await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { by_model: Record<string, ModelBill> }).by_model[model] ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0 };
const admin = async (path: string) => (await (await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as Record<string, unknown>;
const spend = async (scope: string) => BigInt((await admin(`/admin/spend?scope=${scope}`))['spend_nanos'] as string);
const post = (body: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers }, body, signal });

interface Row {
  request_id: string;
  status: number;
  error_code: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_nanos: string;
  attempts: number;
  provider: string;
  metadata: { charged_attempts?: Array<{ provider: string; cost_nanos: string }>; usage_estimated?: boolean };
}
/** The newest ledger row of the key, once the request that wrote it has settled. */
async function lastRow(count: number): Promise<Row> {
  for (let t = 0; ; t++) {
    const rows = ((await admin('/admin/logs?key=cfg:billing&limit=1000')) as unknown as { data: Row[] }).data;
    if (rows.length >= count) return rows[0]!;
    if (t > 200) assert.fail(`no ledger row #${count}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
let rowsSoFar = 0;

test('M6: cached input and reasoning tokens are billed at their own prices, exactly as the provider billed them', async () => {
  const before = await spend('key:cfg:billing');
  const headers = { 'x-mock-cached-tokens': '6', 'x-mock-reasoning-tokens': '5' };
  for (const stream of [false, true]) {
    const r = await post(chatBody({ model: 'classes', max_tokens: 16, stream }), headers);
    assert.equal(r.status, 200);
    await r.text();
    rowsSoFar++;
  }
  const b = await bill('sim-classes');
  assert.equal(b.requests, 2);
  assert.ok(b.cached_tokens === 12 && b.reasoning_tokens === 10, JSON.stringify(b));
  // Per token: uncached input $100/M, cached $10/M, output $200/M, reasoning $400/M.
  const expected = BigInt(b.prompt_tokens - b.cached_tokens) * 100_000n + BigInt(b.cached_tokens) * 10_000n + BigInt(b.completion_tokens - b.reasoning_tokens) * 200_000n + BigInt(b.reasoning_tokens) * 400_000n;
  assert.equal((await spend('key:cfg:billing')) - before, expected, 'gateway spend equals the bill, class by class');
  const row = await lastRow(rowsSoFar);
  assert.deepEqual([row.cached_input_tokens, row.reasoning_tokens], [6, 5]);
});

test('M10: a stream cut short is billed for the output the provider produced', async () => {
  const before = await spend('key:cfg:billing');
  const r = await post(chatBody({ stream: true }), { 'x-mock-cut-after': '4' });
  assert.equal(r.status, 200);
  assert.doesNotMatch(await r.text(), /\[DONE\]/);
  rowsSoFar++;
  const row = await lastRow(rowsSoFar);
  const b = await bill('sim-model-1');
  assert.equal(row.error_code, 'upstream_stream_incomplete');
  assert.equal(row.output_tokens, b.completion_tokens, 'one token per delta the provider sent');
  assert.equal(b.completion_tokens, 4);
  // No usage arrived: the prompt is the gateway's estimate (documented), the output exact.
  assert.ok(row.input_tokens > 0);
  assert.equal(BigInt(row.cost_nanos), BigInt(row.input_tokens) * 100_000n + 4n * 200_000n);
  assert.equal((await spend('key:cfg:billing')) - before, BigInt(row.cost_nanos));
  // An estimate is never silent: the row, a log line and a metric say so.
  assert.equal(row.metadata.usage_estimated, true);
  assert.ok(h.logs.some((l) => l['request_id'] === row.request_id && String(l['msg']).includes('reported no usage')), 'a log line names the estimated request');
  assert.match(await (await fetch(`${h.gateway.url}/metrics`)).text(), /^tollgate_usage_estimated_total\{deployment="[^"]+"\} [1-9]/m);
});

test('M10: a client that leaves a stream mid-way is billed for what the provider sent before it stopped', async () => {
  const before = await spend('key:cfg:billing');
  const abort = new AbortController();
  const r = await post(chatBody({ stream: true }), { 'x-mock-chunk-delay-ms': '100' }, abort.signal);
  assert.equal(r.status, 200);
  const reader = r.body!.getReader();
  let text = '';
  // Leave after three content deltas.
  while ((text.match(/"content":"[^"]+"/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  await reader.cancel().catch(() => undefined);
  rowsSoFar++;
  const row = await lastRow(rowsSoFar);
  // The simulator stops writing when the gateway drops the upstream connection, and bills what it sent.
  let b = await bill('sim-model-1');
  for (let t = 0; t < 100 && b.requests === 0; t++) b = await bill('sim-model-1').finally(() => new Promise((res) => setTimeout(res, 20)));
  assert.equal(b.requests, 1);
  assert.ok(b.completion_tokens >= 3 && b.completion_tokens < 12, `the provider stopped early (${b.completion_tokens} of 12)`);
  assert.equal(row.status, 499);
  assert.equal(row.output_tokens, b.completion_tokens);
  assert.equal(BigInt(row.cost_nanos), BigInt(row.input_tokens) * 100_000n + BigInt(row.output_tokens) * 200_000n);
  assert.equal((await spend('key:cfg:billing')) - before, BigInt(row.cost_nanos));
});

test('M10: an attempt the provider billed before a fallback is billed too, on the key and on its own provider budget', async () => {
  const [keyBefore, hungBefore, backupBefore] = [await spend('key:cfg:billing'), await spend('provider:hung'), await spend('provider:backup')];
  // "200 then nothing": the provider took the request (and billed the prompt), then hung.
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'model-h' }, faults: { stall_after: 0 }, times: 1 }) });
  const r = await post(chatBody({ model: 'primary', stream: true }));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-attempts'), '2');
  assert.match(await r.text(), /\[DONE\]/);
  rowsSoFar++;
  const row = await lastRow(rowsSoFar);
  const [hung, backup] = [await bill('model-h'), await bill('model-b')];
  assert.deepEqual([hung.requests, hung.completion_tokens], [1, 0], 'the hung attempt was billed its prompt');
  assert.equal(backup.requests, 1);
  // The fallback's usage is the provider's; the hung attempt's prompt is the gateway's estimate.
  const hungInput = row.input_tokens - backup.prompt_tokens;
  assert.ok(hungInput > 0, 'the first attempt counts');
  const hungCost = BigInt(hungInput) * 100_000n;
  const backupCost = BigInt(backup.prompt_tokens) * 50_000n + BigInt(backup.completion_tokens) * 100_000n;
  assert.equal(row.output_tokens, backup.completion_tokens);
  assert.equal(BigInt(row.cost_nanos), hungCost + backupCost);
  assert.deepEqual(row.metadata.charged_attempts?.map((c) => [c.provider, c.cost_nanos]), [['hung', hungCost.toString()]]);
  assert.equal((await spend('key:cfg:billing')) - keyBefore, hungCost + backupCost, 'the key pays for both attempts');
  assert.equal((await spend('provider:hung')) - hungBefore, hungCost, 'each provider budget pays for its own attempt');
  assert.equal((await spend('provider:backup')) - backupBefore, backupCost);
  const rec = await admin('/admin/reconcile');
  assert.equal(rec['ok'], true, JSON.stringify(rec));
});

test('M6: a budgeted key may not call a model with no known price; an unbudgeted one may, and its row says unpriced', async () => {
  const r = await post(chatBody({ model: 'unpriced' }));
  assert.equal(r.status, 400);
  const e = ((await r.json()) as { error: { code: string; scope: string } }).error;
  assert.deepEqual([e.code, e.scope], ['no_price_for_model', 'key:cfg:billing']);
  assert.equal((await bill('sim-unpriced')).requests, 0, 'never sent, so never billed as $0');
  const plain = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test-key-0123456789abcdef' }, body: chatBody({ model: 'unpriced' }) });
  assert.equal(plain.status, 200);
  await plain.text();
  const rows = ((await admin('/admin/logs?key=cfg:plain&model=unpriced')) as unknown as { data: Array<{ metadata: Record<string, unknown>; cost_nanos: string }> }).data;
  assert.deepEqual(rows.map((x) => [x.metadata['unpriced'], x.cost_nanos]), [[true, '0']]);
});
