// OpenAI clients → gateway → an Anthropic deployment (the simulator's /v1/messages): translated
// through the canonical types, faithfully or refused loudly (R5, R6, R7).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { defaultConfig, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({
    config: (mockUrl) =>
      defaultConfig(mockUrl).replace(
        'models:\n',
        `  claude:\n    type: anthropic\n    base_url: ${mockUrl}/v1\n    api_key: sk-ant-simulated\n    forward_headers: [x-mock-*]\nmodels:\n  sonnet:\n    deployments: [ { provider: claude, model: claude-sonnet-4-5 } ]\n  sonnet-lenient:\n    deployments: [ { provider: claude, model: claude-sonnet-4-5, drop_params: [seed, logprobs] } ]\n`,
      ),
  });
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

async function lastUpstream(): Promise<{ path: string; headers: Record<string, string>; body: string }> {
  const list = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as Array<{ path: string; headers: Record<string, string>; body: string }>;
  return list.at(-1)!;
}

test('a chat completion is translated to Messages and back', async (t) => {
  const { data, response } = await client.chat.completions
    .create({ model: 'sonnet', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello Claude' }], max_tokens: 50 })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.ok((data.choices[0]?.message.content ?? '').length > 0);
  assert.equal(data.choices[0]?.finish_reason, 'stop');
  assert.ok(data.usage!.prompt_tokens > 0);
  assert.equal(response.headers.get('x-tollgate-deployment'), 'claude/claude-sonnet-4-5');
  const up = await lastUpstream();
  assert.equal(up.path, '/v1/messages');
  assert.equal(up.headers['x-api-key'], 'sk-ant-simulated');
  assert.equal(up.headers['anthropic-version'], '2023-06-01');
  const body = JSON.parse(up.body) as { system: unknown; messages: Array<{ role: string }>; max_tokens: number };
  assert.ok(JSON.stringify(body.system).includes('Be brief.'), 'system prompt moved to the top level');
  assert.deepEqual(body.messages.map((m) => m.role), ['user']);
  assert.equal(body.max_tokens, 50);
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  assert.deepEqual(validateAgainst('CreateChatCompletionResponse', data), []);
});

test('a missing max_tokens is defaulted and the receipt says so', async () => {
  const { response } = await client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  assert.match(response.headers.get('x-tollgate-defaulted') ?? '', /^max_tokens=\d+$/);
});

test('streams are translated event by event, with usage when asked', async () => {
  const stream = await client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Stream to me' }], stream: true, stream_options: { include_usage: true }, max_tokens: 100 });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const c of stream) {
    text += c.choices[0]?.delta.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
    usage = c.usage ?? usage;
  }
  assert.ok(text.length > 0);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0);
});

test('R5: parallel tool calls streamed from Anthropic keep distinct indices and ids', async () => {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'x-mock-tool-calls': '3' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'look up three things' }], tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }] }),
  });
  const raw = await res.text();
  const calls = new Map<number, { id?: string; args: string }>();
  for (const block of raw.split('\n\n').filter((b) => b.startsWith('data: {'))) {
    const c = JSON.parse(block.slice(6)) as { choices: Array<{ delta: { tool_calls?: Array<{ index: number; id?: string; function?: { arguments?: string } }> } }> };
    for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
      const cur = calls.get(tc.index) ?? { args: '' };
      if (tc.id) cur.id = tc.id;
      cur.args += tc.function?.arguments ?? '';
      calls.set(tc.index, cur);
    }
  }
  assert.deepEqual([...calls.keys()].sort(), [0, 1, 2]);
  assert.equal(new Set([...calls.values()].map((c) => c.id)).size, 3);
  for (const c of calls.values()) JSON.parse(c.args);
  assert.ok(raw.trimEnd().endsWith('data: [DONE]'));
});

test('R6: a cut Anthropic stream ends with an error event, never [DONE]', async () => {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'x-mock-cut-after': '2' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] }),
  });
  const raw = await res.text();
  assert.ok(!raw.includes('[DONE]'));
  assert.match(raw.trimEnd().split('\n\n').at(-1)!, /"code":"upstream_stream_incomplete"/);
});

test('images reach Anthropic as base64 blocks', async () => {
  await client.chat.completions.create({
    model: 'sonnet',
    max_tokens: 20,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
  });
  const body = JSON.parse((await lastUpstream()).body) as { messages: Array<{ content: Array<{ type: string; source?: { type: string; media_type: string; data: string } }> }> };
  const img = body.messages[0]!.content.find((b) => b.type === 'image')!;
  assert.deepEqual(img.source, { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' });
});

test('R7: a parameter Anthropic cannot honour is a 400 naming it and the target', async () => {
  for (const [param, extra] of [
    ['logprobs', { logprobs: true }],
    ['n', { n: 2 }],
    ['seed', { seed: 7 }],
    ['temperature', { temperature: 1.5 }],
  ] as const) {
    const r = await fetch(`${h.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], ...extra }),
    });
    assert.equal(r.status, 400, param);
    const e = ((await r.json()) as { error: { code: string; param: string; target: string } }).error;
    assert.equal(e.code, 'unsupported_parameter');
    assert.equal(e.param, param);
    assert.match(e.target, /anthropic/);
  }
});

test('R7: drop_params drops what the operator allowed, and the receipt says so', async () => {
  const { response } = await client.chat.completions.create({ model: 'sonnet-lenient', max_tokens: 10, seed: 7, messages: [{ role: 'user', content: 'x' }] }).withResponse();
  assert.equal(response.headers.get('x-tollgate-dropped-params'), 'seed');
  assert.ok(!('seed' in (JSON.parse((await lastUpstream()).body) as Record<string, unknown>)));
});

test('Anthropic errors reach OpenAI clients in their shape; 529 becomes 503', async () => {
  const r = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'x-mock-status': '529' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.equal(r.status, 503);
  const e = ((await r.json()) as { error: { code: string; attempts: Array<{ status: number; upstream_code: string }> } }).error;
  assert.equal(e.code, 'all_attempts_failed');
  assert.equal(e.attempts[0]!.status, 529);
  assert.equal(e.attempts[0]!.upstream_code, 'overloaded_error');
});
