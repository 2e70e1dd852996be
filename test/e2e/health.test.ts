import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { authHeaders, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

test('/health/live answers without a key', async () => {
  const r = await fetch(`${h.gateway.url}/health/live`);
  assert.equal(r.status, 200);
});

test('/health/ready reports every check', async () => {
  const r = await fetch(`${h.gateway.url}/health/ready`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as { status: string; checks: Record<string, string> };
  assert.equal(body.status, 'ready');
  assert.match(body.checks['deployments']!, /usable/);
  for (const c of ['state', 'storage']) assert.equal(body.checks[c], 'ok', c);
});

test('/metrics exports request counts, latency, upstream latency, ttft and tokens', async () => {
  await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'm' }], stream: true }) }).then((r) => r.text());
  await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'm' }] }) }).then((r) => r.text());
  const text = await (await fetch(`${h.gateway.url}/metrics`)).text();
  assert.match(text, /tollgate_requests_total\{route="\/v1\/chat\/completions",model="chat",deployment="sim\/sim-model-1",status="200"\} [1-9]/);
  assert.match(text, /tollgate_request_duration_seconds_bucket\{le="0.005",route="\/v1\/chat\/completions",model="chat"/);
  assert.match(text, /tollgate_upstream_duration_seconds_count\{deployment="sim\/sim-model-1",status="200"\} [1-9]/);
  assert.match(text, /tollgate_time_to_first_token_seconds_count\{model="chat",deployment="sim\/sim-model-1"\} [1-9]/);
  assert.match(text, /tollgate_tokens_total\{model="chat",deployment="sim\/sim-model-1",kind="input"\} [1-9]/);
  assert.match(text, /tollgate_tokens_total\{model="chat",deployment="sim\/sim-model-1",kind="output"\} [1-9]/);
  assert.match(text, /tollgate_errors_total\{code="model_not_found",route="\/v1\/chat\/completions"\} [1-9]/);
  assert.match(text, /tollgate_config_generation 1/);
});
