// Streaming end to end: frames relayed as produced, usage hidden unless asked for, and every stream
// ends with [DONE] or an explicit error event (R5, R6).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

function frames(raw: string): string[] {
  return raw.split('\n\n').filter((b) => b.trim() !== '').map((b) => b.replace(/^data: /, ''));
}

async function streamRaw(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ res: Response; raw: string }> {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), ...headers },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'stream please' }], stream: true, ...body }),
  });
  return { res, raw: await res.text() };
}

test('streams through the openai SDK', async () => {
  const stream = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }], stream: true });
  let text = '';
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.ok(text.length > 0);
  assert.equal(finish, 'stop');
});

test('hides the usage chunk from clients that did not ask for it', async () => {
  const { res, raw } = await streamRaw({});
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const f = frames(raw);
  assert.equal(f.at(-1), '[DONE]');
  const chunks = f.slice(0, -1).map((s) => JSON.parse(s) as { choices: unknown[]; usage?: unknown });
  assert.ok(chunks.every((c) => c.choices.length > 0), 'no usage-only chunk');
});

test('passes the usage chunk to clients that asked for it', async () => {
  const { raw } = await streamRaw({ stream_options: { include_usage: true } });
  const f = frames(raw);
  assert.equal(f.at(-1), '[DONE]');
  const last = JSON.parse(f.at(-2)!) as { choices: unknown[]; usage: { prompt_tokens: number; completion_tokens: number } };
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.completion_tokens > 0);
});

test('stream chunks match the OpenAI spec', async (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  const { raw } = await streamRaw({ stream_options: { include_usage: true } });
  for (const f of frames(raw).slice(0, -1)) assert.deepEqual(validateAgainst('CreateChatCompletionStreamResponse', JSON.parse(f)), [], f);
});

test('relays deltas as they are produced, not buffered', async () => {
  const started = performance.now();
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), 'x-mock-chunk-delay-ms': '60', 'x-mock-output-tokens': '6' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'slow' }], stream: true }),
  });
  const reader = res.body!.getReader();
  const arrivals: number[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (new TextDecoder().decode(value).includes('"content"')) arrivals.push(performance.now() - started);
  }
  assert.ok(arrivals.length >= 3, `content arrived in ${arrivals.length} reads`);
  assert.ok(arrivals.at(-1)! - arrivals[0]! >= 150, 'first and last deltas are spread over time');
});

test('R5: streamed parallel tool calls keep their own index and id', async () => {
  const { raw } = await streamRaw(
    { tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] },
    { 'x-mock-tool-calls': '3' },
  );
  const calls = new Map<number, { id?: string; args: string }>();
  let finish: string | undefined;
  for (const f of frames(raw).slice(0, -1)) {
    const c = JSON.parse(f) as { choices: Array<{ delta: { tool_calls?: Array<{ index: number; id?: string; function?: { arguments?: string } }> }; finish_reason?: string }> };
    for (const ch of c.choices) {
      finish = ch.finish_reason ?? finish;
      for (const tc of ch.delta.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { args: '' };
        if (tc.id) cur.id = tc.id;
        cur.args += tc.function?.arguments ?? '';
        calls.set(tc.index, cur);
      }
    }
  }
  assert.equal(finish, 'tool_calls');
  assert.deepEqual([...calls.keys()].sort(), [0, 1, 2]);
  assert.equal(new Set([...calls.values()].map((c) => c.id)).size, 3);
  for (const c of calls.values()) JSON.parse(c.args);
});

test('R6: a stream cut by the upstream ends with an error event, never [DONE]', async () => {
  const { res, raw } = await streamRaw({}, { 'x-mock-cut-after': '2' });
  assert.equal(res.status, 200);
  const f = frames(raw);
  assert.ok(!f.includes('[DONE]'));
  const last = JSON.parse(f.at(-1)!) as { error: { code: string; request_id: string } };
  assert.equal(last.error.code, 'upstream_stream_incomplete');
  assert.equal(last.error.request_id, res.headers.get('x-tollgate-request-id'));
  const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
  assert.match(metrics, /tollgate_streams_incomplete_total\{deployment="sim\/sim-model-1",reason="upstream_cut"\} [1-9]/);
});

test('R6: an upstream error frame mid-stream becomes a client error event', async () => {
  const { raw } = await streamRaw({}, { 'x-mock-error-after': '2' });
  const f = frames(raw);
  assert.ok(!f.includes('[DONE]'));
  const last = JSON.parse(f.at(-1)!) as { error: { code: string; message: string } };
  assert.equal(last.error.code, 'upstream_error');
  assert.match(last.error.message, /mid-stream/);
});

test('the SDK surfaces a cut stream as an error, not a clean end', async () => {
  const stream = await client.chat.completions.create(
    { model: 'chat', messages: [{ role: 'user', content: 'Hi' }], stream: true },
    { headers: { 'x-mock-cut-after': '1' } },
  );
  await assert.rejects(async () => {
    for await (const _ of stream) void _;
  });
});

test('a client disconnect aborts the upstream request', async () => {
  const ac = new AbortController();
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), 'x-mock-chunk-delay-ms': '100', 'x-mock-output-tokens': '50' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'long' }], stream: true }),
    signal: ac.signal,
  });
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  // The gateway records the stream as closed by the client once it notices.
  const deadline = Date.now() + 5000;
  let seen = false;
  while (Date.now() < deadline && !seen) {
    await new Promise((r) => setTimeout(r, 100));
    const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
    seen = /tollgate_streams_incomplete_total\{deployment="sim\/sim-model-1",reason="client_closed"\} [1-9]/.test(metrics);
  }
  assert.ok(seen, 'client_closed recorded');
});
