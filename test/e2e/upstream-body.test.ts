// C1/R4 groundwork: the body that reaches the provider is what the client sent — same keys, same
// order, unknown fields kept — with the model renamed and (for streams) usage requested. Nothing else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: string;
}

async function lastUpstream(): Promise<Recorded> {
  const list = (await (await fetch(`${h.mockUrl}/_mock/requests?limit=1`)).json()) as Recorded[];
  return list.at(-1)!;
}

const CLIENT_BODY = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }] },
  ],
  model: 'chat',
  temperature: 0.2,
  prompt_cache_key: 'conversation-42',
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
  tool_choice: 'auto',
  some_future_param: { nested: [1, 2, 3] },
  user: 'end-user-7',
};

test('a non-streaming body reaches the upstream unchanged but for the model', async () => {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(CLIENT_BODY) });
  assert.equal(res.status, 200);
  const up = await lastUpstream();
  assert.equal(up.body, JSON.stringify({ ...CLIENT_BODY, model: 'sim-model-1' }));
  assert.equal(up.headers['authorization'], undefined, 'no client credentials upstream (the simulator provider has no key)');
});

test('a streaming body gains only stream_options.include_usage', async () => {
  const body = { ...CLIENT_BODY, stream: true };
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(body) });
  await res.text();
  const up = await lastUpstream();
  assert.equal(up.body, JSON.stringify({ ...body, model: 'sim-model-1', stream_options: { include_usage: true } }));
});

test('a client stream_options is kept and completed', async () => {
  const body = { ...CLIENT_BODY, stream: true, stream_options: { include_obfuscation: false } };
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(body) });
  await res.text();
  const up = JSON.parse((await lastUpstream()).body) as Record<string, unknown>;
  assert.deepEqual(up['stream_options'], { include_obfuscation: false, include_usage: true });
});

test('the upstream request matches the OpenAI spec', async (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  const client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: false, max_completion_tokens: 20 });
  assert.deepEqual(validateAgainst('CreateChatCompletionRequest', JSON.parse((await lastUpstream()).body)), []);
});

test('client headers reach the upstream only when the operator allows them', async () => {
  await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), 'x-mock-output-tokens': '3', 'x-private-header': 'nope', cookie: 'session=1' },
    body: JSON.stringify(CLIENT_BODY),
  });
  const up = await lastUpstream();
  assert.equal(up.headers['x-mock-output-tokens'], '3');
  assert.equal(up.headers['x-private-header'], undefined);
  assert.equal(up.headers['cookie'], undefined);
});
