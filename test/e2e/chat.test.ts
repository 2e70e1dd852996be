// Chat completions end to end: the official openai SDK → gateway → simulator, over real sockets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

test('answers a chat completion with receipt headers', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content: 'Hello there' }] })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0]?.message.role, 'assistant');
  assert.ok((data.choices[0]?.message.content ?? '').length > 0);
  assert.equal(data.choices[0]?.finish_reason, 'stop');
  assert.ok(data.usage && data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
  assert.match(response.headers.get('x-tollgate-request-id') ?? '', /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(response.headers.get('x-tollgate-deployment'), 'sim/sim-model-1');
  assert.equal(response.headers.get('x-tollgate-attempts'), '1');
  assert.equal(response.headers.get('x-tollgate-cache'), 'bypass');
  assert.match(response.headers.get('x-tollgate-enforcement') ?? '', /budget=none/);
});

test('the response matches the OpenAI spec', async (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'spec check' }] }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(validateAgainst('CreateChatCompletionResponse', await res.json()), []);
});

test('relays tool calls', async () => {
  const res = await client.chat.completions.create(
    {
      model: 'chat',
      messages: [{ role: 'user', content: 'weather in Paris and Rome?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    },
    { headers: { 'x-mock-tool-calls': '2' } },
  );
  const calls = res.choices[0]?.message.tool_calls ?? [];
  assert.equal(res.choices[0]?.finish_reason, 'tool_calls');
  assert.equal(calls.length, 2);
  assert.notEqual(calls[0]?.id, calls[1]?.id);
  for (const c of calls) {
    assert.equal(c.type, 'function');
    if (c.type === 'function') {
      assert.equal(c.function.name, 'get_weather');
      JSON.parse(c.function.arguments);
    }
  }
});

test('reports cached and reasoning tokens as the provider counted them', async () => {
  const res = await client.chat.completions.create(
    { model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(400) }] },
    { headers: { 'x-mock-cached-tokens': '64', 'x-mock-reasoning-tokens': '5' } },
  );
  assert.equal(res.usage?.prompt_tokens_details?.cached_tokens, 64);
  assert.equal(res.usage?.completion_tokens_details?.reasoning_tokens, 5);
  const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
  assert.match(metrics, /tollgate_tokens_total\{model="chat",deployment="sim\/sim-model-1",kind="cached_input"\} \d+/);
  assert.match(metrics, /tollgate_tokens_total\{model="chat",deployment="sim\/sim-model-1",kind="reasoning"\} \d+/);
});

test('lists the models a key may call', async () => {
  const all = await client.models.list();
  assert.deepEqual(all.data.map((m) => m.id).sort(), ['azure-chat', 'azure-embed', 'chat', 'embed']);
  const limited = new OpenAI({ apiKey: 'sk-chat-only-0123456789abcdef', baseURL: `${h.gateway.url}/v1` });
  assert.deepEqual((await limited.models.list()).data.map((m) => m.id), ['chat']);
});

test('routes to Azure deployments with api-version and api-key', async () => {
  const res = await client.chat.completions.create({ model: 'azure-chat', messages: [{ role: 'user', content: 'hi azure' }] });
  assert.equal(res.model, 'my-gpt4o-deployment');
  const recorded = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as { requests?: unknown[] } | unknown[];
  const list = (Array.isArray(recorded) ? recorded : (recorded.requests ?? [])) as Array<{ path: string; query?: unknown; headers: Record<string, string> }>;
  const last = list[list.length - 1]!;
  assert.match(last.path, /^\/openai\/deployments\/my-gpt4o-deployment\/chat\/completions/);
  assert.equal(last.headers['api-key'], 'azure-secret-key');
  assert.equal(last.headers['authorization'], undefined, 'the client key is never sent upstream');
});

test('accepts the Azure-style client URL with api-key', async () => {
  const res = await fetch(`${h.gateway.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-tollgate-deployment'), 'sim/sim-model-1');
});

test('never logs prompt text or keys', async () => {
  await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'SECRET-PROMPT-MARKER' }] });
  await h.gateway.logger.flush?.();
  const text = h.logText();
  assert.ok(text.includes('"request_id"'), 'request lines are logged');
  assert.ok(!text.includes('SECRET-PROMPT-MARKER'));
  assert.ok(!text.includes(KEY));
  assert.ok(!text.includes('azure-secret-key'));
  const line = h.logs.find((l) => l['msg'] === 'request' && l['model'] === 'chat');
  assert.ok(line);
  for (const k of ['request_id', 'key_name', 'model', 'deployment', 'status', 'latency_ms', 'input_tokens', 'output_tokens']) assert.ok(k in line, k);
});
