// R3/R6: a stream cut after bytes reached the client. By default it ends with an explicit error
// event (no [DONE], no message_stop) and no fallback is called. With `stream_recovery: continue` it
// resumes on a prefill-capable fallback, whose request carries exactly the client's messages plus
// one assistant message holding the partial answer — the same system prompt, nothing added — and
// the client's one stream goes on; the switch is said in a final event, the log and the ledger;
// each call is billed what its provider billed. Raw SSE frames are read throughout.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { sseData } from '../../src/mock/raw-http.js';
import { foreignStrings, WIRE_VOCABULARY } from '../helpers/foreign-strings.js';
import { ADMIN_KEY, KEY, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: (mockUrl) => `
server: { port: 0, host: 127.0.0.1, admin_key: ${ADMIN_KEY}, watch_config: false }
storage: { url: "sqlite::memory:" }
governance: { spool_path: ${join(mkdtempSync(join(tmpdir(), 'tg-recovery-')), 'spool.jsonl')} }
providers:
  sim: { type: openai-compatible, base_url: ${mockUrl}/v1, breaker: { failures: 1000 } }
  claude: { type: anthropic, base_url: ${mockUrl}/v1, api_key: sk-ant-simulated, breaker: { failures: 1000 } }
  hung: { type: openai-compatible, base_url: ${mockUrl}/v1, timeouts: { idle: 400ms }, breaker: { failures: 1000 } }
models:
  resumable:
    stream_recovery: continue
    deployments: [ { provider: sim, model: model-a } ]
    fallbacks: [claude-group]
  claude-group: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
  default-mode: { deployments: [ { provider: sim, model: model-d } ], fallbacks: [claude-group] }
  resumable-no-prefill:
    stream_recovery: continue
    deployments: [ { provider: sim, model: model-n } ]
    fallbacks: [open-only]
  open-only: { deployments: [ { provider: sim, model: model-o } ] }
  claude-resumable:
    stream_recovery: continue
    deployments: [ { provider: claude, model: claude-opus-4-1 } ]
    fallbacks: [claude-group]
  resumable-twice:
    stream_recovery: continue
    deployments: [ { provider: sim, model: model-t } ]
    fallbacks: [claude-hop, claude-group]
  claude-hop: { deployments: [ { provider: claude, model: claude-haiku-4-5 } ] }
  resumable-hung:
    stream_recovery: continue
    deployments: [ { provider: hung, model: model-h } ]
    fallbacks: [claude-group]
pricing:
  model-a: { input: 0, output: 1 }
  claude-sonnet-4-5: { input: 3, output: 15 }
keys:
  - { name: test, key: ${KEY} }
`,
  });
});
after(async () => h.close());
beforeEach(async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'DELETE' });
  await fetch(`${h.mockUrl}/_mock/reset`, { method: 'POST' });
});

const SYSTEM = 'Answer in French.';
const CLIENT_MESSAGES = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'Tell me a story.' },
];
const cut = (model: string, after: number, extra: Record<string, unknown> = {}) =>
  fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model }, faults: { cut_after: after, ...extra }, times: 1 }) });

function streamChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ stream: true, max_tokens: 100, messages: CLIENT_MESSAGES, ...body }),
  });
}

type Chunk = { object?: string; choices: Array<{ index: number; delta: { role?: string; content?: string | null }; finish_reason: string | null }>; usage?: { prompt_tokens: number; completion_tokens: number } | null; error?: { code: string }; tollgate_stream_recovery?: { resumed: Array<{ from: string; to: string; after: string; prefix_chars: number }> } };

async function chunks(r: Response): Promise<{ raw: string; data: string[]; parsed: Chunk[] }> {
  const raw = await r.text();
  const data = sseData(raw);
  return { raw, data, parsed: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk) };
}
const text = (cs: readonly Chunk[]) => cs.flatMap((c) => (c.choices ?? []).map((x) => x.delta.content ?? '')).join('');

const blockText = (c: unknown) => (typeof c === 'string' ? c : (c as Array<{ type: string; text: string }>).map((b) => b.text).join(''));

async function recorded(): Promise<Array<{ path: string; body: string }>> {
  return (await (await fetch(`${h.mockUrl}/_mock/requests?limit=20`)).json()) as Array<{ path: string; body: string }>;
}

type LedgerRow = { request_id: string; status: number; error_code: string | null; cost_nanos: string | number; input_tokens: number; output_tokens: number; attempt_details: Array<{ deployment: string; status: number | null; error_code: string | null; continuation?: boolean }> };
/** The ledger row of the request that answered `r` (written just after its stream ended: waited for). */
async function rowOf(r: Response): Promise<LedgerRow> {
  const id = r.headers.get('x-tollgate-request-id');
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${h.gateway.url}/admin/logs?limit=20`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const row = ((await res.json()) as { data: LedgerRow[] }).data.find((x) => x.request_id === id);
    if (row) return row;
    await new Promise((done) => setTimeout(done, 20));
  }
  assert.fail(`no ledger row for ${id}`);
}
async function logLine(model: string): Promise<Record<string, unknown>> {
  const find = () => h.logs.filter((l) => l['model'] === model && l['request_id'] !== undefined && l['status'] !== undefined).at(-1);
  for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 20));
  return find()!;
}

test('R6: by default a mid-stream cut ends with an error event, never [DONE], and no fallback is called', async () => {
  await cut('model-d', 3);
  const r = await streamChat({ model: 'default-mode' });
  assert.equal(r.status, 200);
  const { data, parsed } = await chunks(r);
  assert.ok(!data.includes('[DONE]'));
  assert.equal(parsed.at(-1)?.error?.code, 'upstream_stream_incomplete');
  assert.equal(text(parsed), 'Simulated answer from', 'the three deltas sent before the cut');
  assert.equal((await recorded()).length, 1, 'the fallback was not called after bytes were sent');
  const row = await rowOf(r);
  assert.equal(row.error_code, 'upstream_stream_incomplete', 'logged and ledgered as failed');
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code]), [['sim/model-d', 'upstream_stream_incomplete']]);
});

test('R3: stream_recovery: continue resumes on a prefill-capable fallback with the client’s messages plus one assistant prefix', async () => {
  await cut('model-a', 3);
  const r = await streamChat({ model: 'resumable', stream_options: { include_usage: true } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-tollgate-deployment'), 'sim/model-a', 'the headers went out with the first deployment');
  const { data, parsed } = await chunks(r);
  assert.equal(data.at(-1), '[DONE]', 'the stream ends cleanly');
  assert.ok(!parsed.some((c) => c.error), 'no error event');
  assert.equal(parsed.filter((c) => c.choices.some((x) => x.delta.role === 'assistant')).length, 1, 'one message: a single role chunk');

  // The continuation request, exactly: the client's messages, one assistant prefix, the same system.
  const calls = await recorded();
  assert.deepEqual(calls.map((c) => c.path), ['/v1/chat/completions', '/v1/messages']);
  const sent = JSON.parse(calls[1]!.body) as { system: unknown; messages: Array<{ role: string; content: unknown }>; max_tokens: number };
  const systemText = typeof sent.system === 'string' ? sent.system : (sent.system as Array<{ text: string }>).map((b) => b.text).join('');
  assert.equal(systemText, SYSTEM, 'the system prompt is the client’s, unchanged');
  assert.deepEqual(sent.messages.map((m) => [m.role, blockText(m.content)]), [['user', 'Tell me a story.'], ['assistant', 'Simulated answer from']]);
  assert.deepEqual(foreignStrings(sent, JSON.parse(calls[0]!.body) as unknown, [...WIRE_VOCABULARY, 'claude-sonnet-4-5', 'Simulated answer from']), [], 'nothing the client did not send (but the partial answer)');
  assert.equal(sent.max_tokens, 100 - 3, 'what was produced counts against the client’s max_tokens');

  // The client's one answer: the partial, then the continuation (the simulator starts its answer anew).
  assert.equal(text(parsed), `Simulated answer from${'Simulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit'}`);
  const marker = parsed.find((c) => c.tollgate_stream_recovery);
  assert.deepEqual(marker?.tollgate_stream_recovery?.resumed, [{ from: 'sim/model-a', to: 'claude/claude-sonnet-4-5', after: 'upstream_stream_incomplete', prefix_chars: 'Simulated answer from'.length }]);
  assert.ok(parsed.indexOf(marker!) > parsed.findIndex((c) => c.choices.some((x) => x.finish_reason === 'stop')), 'the marker comes after the finish, before [DONE]');

  // Both calls billed what each provider billed; the usage the client sees is their sum.
  const stats = (await (await fetch(`${h.mockUrl}/_mock/stats`)).json()) as { by_model: Record<string, { prompt_tokens: number; completion_tokens: number }> };
  const claude = stats.by_model['claude-sonnet-4-5']!;
  assert.equal(stats.by_model['model-a']!.completion_tokens, 3, 'the simulator billed the three deltas of the cut call');
  const row = await rowOf(r);
  assert.equal(row.status, 200);
  assert.equal(row.output_tokens, 3 + claude.completion_tokens);
  // model-a: $1 per 1M output tokens, input free; claude-sonnet-4-5: $3 / $15.
  assert.equal(BigInt(row.cost_nanos), BigInt(3 * 1_000 + claude.prompt_tokens * 3_000 + claude.completion_tokens * 15_000));
  const usage = parsed.find((c) => c.usage)?.usage;
  assert.equal(usage?.completion_tokens, 3 + claude.completion_tokens);
  assert.equal(usage?.prompt_tokens, row.input_tokens);

  // The switch is in the ledger's attempts and the log line.
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code, a.continuation ?? false]), [['sim/model-a', 'upstream_stream_incomplete', false], ['claude/claude-sonnet-4-5', null, true]]);
  const line = await logLine('resumable');
  assert.equal(line['status'], 200);
  assert.deepEqual((line['attempt_log'] as Array<{ deployment: string; code: string | null; continuation?: boolean }>).map((a) => [a.deployment, a.code, a.continuation ?? false]), [['sim/model-a', 'upstream_stream_incomplete', false], ['claude/claude-sonnet-4-5', null, true]]);
});

test('R3: with no prefill-capable target left, the continuation is skipped and the stream ends with the error event', async () => {
  await cut('model-n', 2);
  const r = await streamChat({ model: 'resumable-no-prefill' });
  const { data, parsed } = await chunks(r);
  assert.ok(!data.includes('[DONE]'));
  assert.equal(parsed.at(-1)?.error?.code, 'upstream_stream_incomplete');
  assert.equal((await recorded()).length, 1, 'a target that cannot continue the answer is not called');
  assert.equal((await rowOf(r)).error_code, 'upstream_stream_incomplete');
});

test('R3: an answer cut inside a tool call is not continued: error event, no second call', async () => {
  await cut('model-a', 2, { tool_calls: 1 });
  const r = await streamChat({ model: 'resumable', tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] });
  const { data, parsed } = await chunks(r);
  assert.ok(!data.includes('[DONE]'));
  assert.equal(parsed.at(-1)?.error?.code, 'upstream_stream_incomplete');
  assert.equal((await recorded()).length, 1);
});

test('R3: an Anthropic client’s stream continues as one message: one message_start, the marker event, message_stop', async () => {
  await cut('claude-opus-4-1', 3);
  const client = new Anthropic({ apiKey: KEY, baseURL: h.gateway.url, maxRetries: 0 });
  const stream = client.messages.stream({ model: 'claude-resumable', max_tokens: 100, system: SYSTEM, messages: [{ role: 'user', content: 'Tell me a story.' }] });
  const events: string[] = [];
  stream.on('streamEvent', (ev) => events.push(ev.type));
  const message = await stream.finalMessage();
  const answer = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  assert.equal(answer, 'Simulated answer fromSimulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit');
  assert.equal(events.filter((t) => t === 'message_start').length, 1);
  assert.equal(events.at(-1), 'message_stop');
  assert.equal(message.content.length, 1, 'the continuation extends the same text block');

  const calls = await recorded();
  assert.deepEqual(calls.map((c) => c.path), ['/v1/messages', '/v1/messages']);
  // The first call relayed the client's bytes; the continuation is built from the same canonical request.
  const [first, second] = calls.map((c) => JSON.parse(c.body) as { system: unknown; messages: Array<{ role: string; content: unknown }> });
  assert.equal(first!.system, SYSTEM);
  assert.deepEqual(second!.system, [{ type: 'text', text: SYSTEM }], 'the same system prompt, nothing added');
  assert.deepEqual(second!.messages.map((m) => [m.role, blockText(m.content)]), [['user', 'Tell me a story.'], ['assistant', 'Simulated answer from']]);
  assert.deepEqual(second!.messages.at(-1), { role: 'assistant', content: [{ type: 'text', text: 'Simulated answer from' }] });
  assert.deepEqual(foreignStrings(second, first, [...WIRE_VOCABULARY, 'claude-sonnet-4-5', 'Simulated answer from']), []);
});

test('R3: the Anthropic wire says the switch in its own event, before message_delta and message_stop', async () => {
  await cut('claude-opus-4-1', 2);
  const r = await fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-resumable', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const raw = await r.text();
  const names = [...raw.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(names.slice(-3), ['tollgate_stream_recovery', 'message_delta', 'message_stop']);
  assert.ok(!names.includes('error'));
});

test('R3: a retryable upstream error event mid-stream (Anthropic overloaded) is continued like a cut', async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'claude-opus-4-1' }, faults: { error_after: 2 }, times: 1 }) });
  const client = new Anthropic({ apiKey: KEY, baseURL: h.gateway.url, maxRetries: 0 });
  const message = await client.messages.stream({ model: 'claude-resumable', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
  assert.equal(message.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), 'Simulated answerSimulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit');
  assert.equal((await recorded()).length, 2);
});

test('R3: an upstream error event its provider calls final is not continued: the client gets it', async () => {
  // OpenAI-wire error frames carry no retryability: the adapter treats them as final, and so does recovery.
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'model-a' }, faults: { error_after: 2 }, times: 1 }) });
  const r = await streamChat({ model: 'resumable' });
  const { data, parsed } = await chunks(r);
  assert.ok(!data.includes('[DONE]'));
  assert.equal(parsed.at(-1)?.error?.code, 'upstream_error');
  assert.equal((await recorded()).length, 1);
});

test('R3: a stream that goes silent mid-answer (idle timeout) is continued', async () => {
  await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'model-h' }, faults: { stall_after: 2 }, times: 1 }) });
  const r = await streamChat({ model: 'resumable-hung' });
  const { data, parsed } = await chunks(r);
  assert.equal(data.at(-1), '[DONE]');
  assert.match(text(parsed), /^Simulated answerSimulated answer from claude-sonnet-4-5:/);
  assert.equal(parsed.find((c) => c.tollgate_stream_recovery)?.tollgate_stream_recovery?.resumed[0]?.after, 'upstream_timeout');
});

test('R3: a continuation that breaks too is continued again, from the whole answer so far', async () => {
  await cut('model-t', 3);
  await cut('claude-haiku-4-5', 2);
  const r = await streamChat({ model: 'resumable-twice' });
  const { data, parsed } = await chunks(r);
  assert.equal(data.at(-1), '[DONE]');
  assert.equal(text(parsed), 'Simulated answer fromSimulated answerSimulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit');
  assert.deepEqual(parsed.find((c) => c.tollgate_stream_recovery)?.tollgate_stream_recovery?.resumed.map((x) => [x.from, x.to]), [['sim/model-t', 'claude/claude-haiku-4-5'], ['claude/claude-haiku-4-5', 'claude/claude-sonnet-4-5']]);
  const calls = await recorded();
  const last = JSON.parse(calls.at(-1)!.body) as { messages: Array<{ role: string; content: unknown }> };
  assert.deepEqual(last.messages.map((m) => [m.role, blockText(m.content)]), [['user', 'Tell me a story.'], ['assistant', 'Simulated answer fromSimulated answer']], 'still exactly one assistant prefix');
  const row = await rowOf(r);
  assert.deepEqual(row.attempt_details.map((a) => [a.deployment, a.error_code, a.continuation ?? false]), [
    ['sim/model-t', 'upstream_stream_incomplete', false],
    ['claude/claude-haiku-4-5', 'upstream_stream_incomplete', true],
    ['claude/claude-sonnet-4-5', null, true],
  ]);
});

test('R3: Responses and Gemini-native clients’ streams are continued too, each wire saying so its own way', async () => {
  const full = 'Simulated answer fromSimulated answer from claude-sonnet-4-5: lorem ipsum dolor sit amet consectetur adipiscing elit';
  await cut('model-a', 3);
  const client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
  const types: string[] = [];
  let answer = '';
  for await (const ev of await client.responses.create({ model: 'resumable', input: 'Tell me a story.', stream: true })) {
    types.push(ev.type);
    if (ev.type === 'response.output_text.delta') answer += ev.delta;
  }
  assert.equal(answer, full);
  assert.deepEqual(types.slice(-2), ['tollgate.stream_recovery', 'response.completed']);
  assert.equal(types.filter((t) => t === 'response.created').length, 1);

  await cut('model-a', 3);
  const r = await fetch(`${h.gateway.url}/v1beta/models/resumable:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Tell me a story.' }] }] }),
  });
  // Gemini frames end in CRLF pairs, as Google's servers send them.
  const frames = (await r.text()).split(/\r\n\r\n/).filter((f) => f.startsWith('data: ')).map((f) => f.slice('data: '.length));
  const events = frames.map((d) => JSON.parse(d) as { candidates?: Array<{ content: { parts: Array<{ text?: string }> }; finishReason?: string }>; tollgateStreamRecovery?: { resumed: unknown[] } });
  assert.equal(events.flatMap((e) => e.candidates ?? []).flatMap((c) => c.content.parts.map((p) => p.text ?? '')).join(''), full);
  assert.equal(events.filter((e) => e.tollgateStreamRecovery).length, 1);
  assert.equal(events.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
});
