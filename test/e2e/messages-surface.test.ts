// The Anthropic-shaped surface /v1/messages, with the official @anthropic-ai/sdk as the client, to
// an OpenAI-wire deployment (translated both ways) and to an Anthropic deployment — through the same
// pipeline as every route (auth, admission, accounting: M1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { defaultConfig, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      defaultConfig(mockUrl).replace(
        'models:\n',
        `  claude:\n    type: anthropic\n    base_url: ${mockUrl}/v1\n    api_key: sk-ant-simulated\n    forward_headers: [x-mock-*]\nmodels:\n  sonnet:\n    deployments: [ { provider: claude, model: claude-sonnet-4-5 } ]\n`,
      ),
  });
  client = new Anthropic({ apiKey: KEY, baseURL: h.gateway.url, maxRetries: 0 });
});
after(async () => h.close());

async function lastUpstream(): Promise<{ path: string; body: string }> {
  const list = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as Array<{ path: string; body: string }>;
  return list.at(-1)!;
}

test('the Anthropic SDK talks to an OpenAI deployment through /v1/messages', async () => {
  const msg = await client.messages.create({ model: 'chat', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.equal(msg.content[0]?.type, 'text');
  assert.equal(msg.stop_reason, 'end_turn');
  assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
  const up = await lastUpstream();
  assert.equal(up.path, '/v1/chat/completions');
  const body = JSON.parse(up.body) as { messages: Array<{ role: string; content: unknown }>; model: string };
  assert.equal(body.model, 'sim-model-1');
  assert.equal(body.messages[0]?.role, 'system', 'the system prompt is placed, not added or changed');
  assert.equal(JSON.stringify(body.messages).includes('Be brief.'), true);
});

test('the Anthropic SDK streams from an OpenAI deployment, tool calls included', async () => {
  const stream = client.messages.stream(
    { model: 'chat', max_tokens: 200, messages: [{ role: 'user', content: 'look things up' }], tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }] },
    { headers: { 'x-mock-tool-calls': '2' } },
  );
  const final = await stream.finalMessage();
  const uses = final.content.filter((b) => b.type === 'tool_use');
  assert.equal(uses.length, 2);
  assert.notEqual((uses[0] as { id: string }).id, (uses[1] as { id: string }).id);
  assert.equal(final.stop_reason, 'tool_use');
});

test('the Anthropic SDK reaches an Anthropic deployment', async () => {
  const msg = await client.messages.create({ model: 'sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] });
  assert.equal(msg.content[0]?.type, 'text');
  assert.equal((await lastUpstream()).path, '/v1/messages');
});

test("errors on /v1/messages come in Anthropic's shape", async () => {
  await assert.rejects(client.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.NotFoundError);
    return true;
  });
  const r = await fetch(`${h.gateway.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }) });
  assert.equal(r.status, 400);
  const e = (await r.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(e.type, 'error');
  assert.equal(e.error.type, 'invalid_request_error');
  assert.match(e.error.message, /max_tokens/);
  const unauth = await fetch(`${h.gateway.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-wrong-wrong-wrong-wrong' }, body: '{}' });
  assert.equal(unauth.status, 401);
  assert.equal(((await unauth.json()) as { error: { type: string } }).error.type, 'authentication_error');
});

test('a mid-stream failure reaches Anthropic clients as an error event, never message_stop', async () => {
  const r = await fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'x-mock-cut-after': '2' },
    body: JSON.stringify({ model: 'chat', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const raw = await r.text();
  assert.ok(!raw.includes('message_stop'));
  assert.match(raw, /event: error/);
});

test('to an Anthropic deployment the body is relayed byte for byte, the model renamed, version and beta forwarded', async () => {
  // Odd spacing, a field order of the client's own, cache_control breakpoints and a nested "model"
  // key: all must arrive exactly as sent.
  const sent =
    '{ "messages" : [ {"role":"user","content":[{"type":"text","text":"Long context","cache_control":{"type":"ephemeral"}}]} ],\n' +
    '  "metadata": {"user_id": "u-1"}, "model":"sonnet", "max_tokens": 32, "top_k": 5,\n' +
    '  "system": [{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral","ttl":"1h"}}] }';
  const r = await fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2025-05-14', 'anthropic-beta': 'extended-cache-ttl-2025-04-11', 'content-type': 'application/json' },
    body: sent,
  });
  assert.equal(r.status, 200, await r.clone().text());
  const list = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as Array<{ path: string; headers: Record<string, string>; body: string }>;
  const up = list.at(-1)!;
  assert.equal(up.body, sent.replace('"model":"sonnet"', '"model":"claude-sonnet-4-5"'));
  assert.equal(up.headers['anthropic-version'], '2025-05-14');
  assert.equal(up.headers['anthropic-beta'], 'extended-cache-ttl-2025-04-11');
  assert.equal(up.headers['x-api-key'], 'sk-ant-simulated', 'the deployment key, never the client key');
  const msg = (await r.json()) as { usage: { input_tokens: number; output_tokens: number } };
  assert.ok(msg.usage.output_tokens > 0);
  assert.ok(Number(r.headers.get('x-tollgate-cost-usd') ?? '0') >= 0);
});

test('a relayed Anthropic stream arrives frame for frame, and its usage is billed', async () => {
  const stream = client.messages.stream({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please RELAY-MARK' }] }, { headers: { 'x-mock-cached-tokens': '3' } });
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, 'end_turn');
  assert.equal(final.usage.cache_read_input_tokens, 3);
  await h.gateway.logger.flush?.();
  const line = h.logs.filter((l) => l['msg'] === 'request' && l['model'] === 'sonnet' && l['stream'] === true).at(-1);
  assert.ok(line, 'the relayed stream is logged');
  assert.equal(line['output_tokens'], final.usage.output_tokens);
  assert.equal(line['cached_input_tokens'], 3);
  // Anthropic counts cache reads beside input; the gateway's input total includes them (usage.ts).
  assert.equal(line['input_tokens'], final.usage.input_tokens + 3);
});

test('a relayed Anthropic stream cut by the upstream ends with an Anthropic error event, never message_stop', async () => {
  const r = await fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'x-mock-cut-after': '3', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const raw = await r.text();
  assert.match(raw, /event: message_start/);
  assert.ok(!raw.includes('message_stop'));
  assert.match(raw, /event: error\ndata: \{"type":"error","error":\{/);
});
