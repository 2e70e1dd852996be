// R7: a parameter the target cannot honour is a 400 `unsupported_parameter` naming the parameter and
// the target, in the client's own error shape — unless the deployment lists it in drop_params; then
// it is dropped, the upstream never sees it, and `x-tollgate-dropped-params` says so. One row per
// (surface, provider, parameter) refusal the adapters make. Also: Gemini's safety blocks and block
// reasons reach every surface as an error or a content-filter finish, never an empty 200.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';
import { lastUpstream, matrixConfig, ROWS } from './provider-matrix.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
});
after(async () => h.close());

type Surface = 'chat' | 'messages' | 'responses';

interface Case {
  readonly surface: Surface;
  /** ROWS name. */
  readonly provider: string;
  /** The request fields that cannot be honoured. */
  readonly extra: Record<string, unknown>;
  /** The parameter the error names. */
  readonly param: string;
  /** The drop_params entry that lets it through; absent = not droppable (refused either way). */
  readonly drop?: string;
  /** The upstream body field that must be absent when dropped. */
  readonly absent?: (body: Record<string, unknown>) => boolean;
}

const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
const noKey = (k: string) => (b: Record<string, unknown>) => !(k in b);
const noGen = (k: string) => (b: Record<string, unknown>) => !(k in ((b['generationConfig'] as Record<string, unknown> | undefined) ?? {}));

const CASES: readonly Case[] = [
  // Anthropic has no logprobs, seed, n, penalties, logit_bias, JSON mode; temperature is 0–1.
  { surface: 'chat', provider: 'anthropic', extra: { logprobs: true }, param: 'logprobs', drop: 'logprobs', absent: noKey('logprobs') },
  { surface: 'chat', provider: 'anthropic', extra: { top_logprobs: 3, logprobs: true }, param: 'logprobs' },
  { surface: 'chat', provider: 'anthropic', extra: { n: 2 }, param: 'n', drop: 'n', absent: noKey('n') },
  { surface: 'chat', provider: 'anthropic', extra: { seed: 7 }, param: 'seed', drop: 'seed', absent: noKey('seed') },
  { surface: 'chat', provider: 'anthropic', extra: { frequency_penalty: 0.5 }, param: 'frequency_penalty', drop: 'frequency_penalty', absent: noKey('frequency_penalty') },
  { surface: 'chat', provider: 'anthropic', extra: { logit_bias: { '50256': -100 } }, param: 'logit_bias', drop: 'logit_bias', absent: noKey('logit_bias') },
  { surface: 'chat', provider: 'anthropic', extra: { response_format: { type: 'json_object' } }, param: 'response_format', drop: 'response_format', absent: noKey('output_config') },
  { surface: 'chat', provider: 'anthropic', extra: { temperature: 1.5 }, param: 'temperature' },
  { surface: 'chat', provider: 'anthropic', extra: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }, param: 'messages[0].content[0]' },
  // Gemini: no logit_bias, no switch against parallel calls, at most 5 stop sequences.
  { surface: 'chat', provider: 'gemini', extra: { logit_bias: { '1': 5 } }, param: 'logit_bias', drop: 'logit_bias' },
  { surface: 'chat', provider: 'gemini', extra: { tools: [WEATHER], parallel_tool_calls: false }, param: 'parallel_tool_calls', drop: 'parallel_tool_calls', absent: noKey('parallel_tool_calls') },
  { surface: 'chat', provider: 'vertex', extra: { stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, param: 'stop' },
  { surface: 'chat', provider: 'vertex', extra: { reasoning_effort: 'extreme' }, param: 'reasoning_effort' },
  // Bedrock Converse: no n, logprobs, seed, penalties; temperature 0–1; top_k only on Anthropic models.
  { surface: 'chat', provider: 'bedrock (SigV4)', extra: { seed: 1 }, param: 'seed', drop: 'seed', absent: noKey('seed') },
  { surface: 'chat', provider: 'bedrock (SigV4)', extra: { n: 3 }, param: 'n', drop: 'n' },
  { surface: 'chat', provider: 'bedrock (API key)', extra: { logprobs: true }, param: 'logprobs', drop: 'logprobs' },
  { surface: 'chat', provider: 'bedrock (API key)', extra: { presence_penalty: 1 }, param: 'presence_penalty', drop: 'presence_penalty' },
  { surface: 'chat', provider: 'bedrock (API key)', extra: { temperature: 1.2 }, param: 'temperature' },
  { surface: 'messages', provider: 'bedrock (API key)', extra: { top_k: 5 }, param: 'top_k', drop: 'top_k', absent: noKey('additionalModelRequestFields') },
  { surface: 'chat', provider: 'bedrock (SigV4)', extra: { tools: [WEATHER], parallel_tool_calls: false }, param: 'parallel_tool_calls', drop: 'parallel_tool_calls' },
  { surface: 'messages', provider: 'bedrock (SigV4)', extra: { mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }] }, param: 'mcp_servers' },
  // Cohere: no named tool choice, no n, no logit_bias; penalties 0–1, top_p 0.01–0.99.
  { surface: 'chat', provider: 'cohere', extra: { tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'get_weather' } } }, param: 'tool_choice', drop: 'tool_choice', absent: noKey('tool_choice') },
  { surface: 'chat', provider: 'cohere', extra: { n: 2 }, param: 'n', drop: 'n' },
  { surface: 'chat', provider: 'cohere', extra: { frequency_penalty: -0.5 }, param: 'frequency_penalty', drop: 'frequency_penalty', absent: noKey('frequency_penalty') },
  { surface: 'chat', provider: 'cohere', extra: { top_p: 0.001 }, param: 'top_p' },
  // Mistral: no logprobs, no logit_bias, no top_k.
  { surface: 'chat', provider: 'mistral', extra: { logprobs: true }, param: 'logprobs', drop: 'logprobs', absent: noKey('logprobs') },
  { surface: 'chat', provider: 'mistral', extra: { logit_bias: { '1': 1 } }, param: 'logit_bias', drop: 'logit_bias' },
  { surface: 'messages', provider: 'mistral', extra: { top_k: 40 }, param: 'top_k', drop: 'top_k', absent: noKey('top_k') },
  // OpenAI's chat wire, reached from Anthropic's surface: no top_k, at most 4 stop sequences, no server tools.
  { surface: 'messages', provider: 'openai', extra: { top_k: 10 }, param: 'top_k', drop: 'top_k', absent: noKey('top_k') },
  { surface: 'messages', provider: 'azure', extra: { stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, param: 'stop_sequences' },
  { surface: 'messages', provider: 'openai-compatible', extra: { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, param: 'tools' },
  // From the Responses surface.
  { surface: 'responses', provider: 'anthropic', extra: { text: { format: { type: 'json_object' } } }, param: 'response_format', drop: 'response_format', absent: noKey('output_config') },
  { surface: 'responses', provider: 'bedrock (SigV4)', extra: { tools: [{ type: 'web_search' }] }, param: 'tools' },
  { surface: 'responses', provider: 'gemini', extra: { tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }], parallel_tool_calls: false }, param: 'parallel_tool_calls', drop: 'parallel_tool_calls', absent: noGen('parallel_tool_calls') },
];

const PATH: Record<Surface, string> = { chat: '/v1/chat/completions', messages: '/v1/messages', responses: '/v1/responses' };

function body(surface: Surface, group: string, extra: Record<string, unknown>): Record<string, unknown> {
  if (surface === 'responses') return { model: group, input: 'x', ...extra };
  const base = { model: group, messages: [{ role: 'user', content: 'x' }], max_tokens: 20 };
  return { ...base, ...extra };
}

async function send(surface: Surface, group: string, extra: Record<string, unknown>): Promise<Response> {
  return fetch(`${h.gateway.url}${PATH[surface]}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify(body(surface, group, extra)),
  });
}

/** The gateway's error fields, wherever the surface's shape puts them. */
function errorFields(raw: Record<string, unknown>): { code: unknown; param: unknown; target: unknown } {
  const e = raw['error'] as Record<string, unknown>;
  return { code: e['code'], param: e['param'], target: e['target'] };
}

for (const c of CASES) {
  const row = ROWS.find((r) => r.name === c.provider);
  if (row === undefined) throw new Error(`no provider row ${c.provider}`);
  const what = `${c.param} (${JSON.stringify(c.extra).slice(0, 60)})`;
  describe(`R7: ${c.surface} → ${c.provider}: ${what}`, () => {
    test('is a 400 unsupported_parameter naming the parameter and the target', async () => {
      const r = await send(c.surface, row.group, c.extra);
      const raw = (await r.json()) as Record<string, unknown>;
      assert.equal(r.status, 400, JSON.stringify(raw));
      if (c.surface === 'messages') assert.equal(raw['type'], 'error', "Anthropic's error shape");
      const e = errorFields(raw);
      assert.equal(e.code, 'unsupported_parameter');
      assert.equal(e.param, c.param);
      assert.equal(e.target, `${row.type}/${row.model}`);
    });

    if (c.drop !== undefined) {
      test(`drop_params [${c.drop}] drops it, the upstream never sees it, and the receipt says so`, async () => {
        const r = await send(c.surface, `${row.group}-lenient`, c.extra);
        assert.equal(r.status, 200, await r.clone().text());
        assert.equal(r.headers.get('x-tollgate-dropped-params'), c.drop);
        await r.text();
        if (c.absent) assert.ok(c.absent(JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), 'absent upstream');
      });
    }
  });
}

describe('Gemini safety: never an empty 200', () => {
  const block = { 'x-mock-gemini-block': 'SAFETY' };
  const finish = { 'x-mock-gemini-finish': 'SAFETY' };
  const post = (path: string, b: unknown, headers: Record<string, string>) =>
    fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'x-goog-api-key': KEY, 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
  const chat = (stream: boolean) => ({ model: 'p-gemini', messages: [{ role: 'user', content: 'x' }], stream });

  test('a blocked prompt is a 400 naming the block reason on every surface, streamed or not', async () => {
    const calls: [string, unknown][] = [
      ['/v1/chat/completions', chat(false)],
      ['/v1/chat/completions', chat(true)],
      ['/v1/responses', { model: 'p-vertex', input: 'x', stream: true }],
      ['/v1/messages', { model: 'p-gemini', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }],
      ['/v1beta/models/p-vertex:streamGenerateContent?alt=sse', { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }],
    ];
    for (const [path, b] of calls) {
      const r = await post(path, b, block);
      assert.equal(r.status, 400, path);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/, `${path}: an error body, not a stream`);
      const text = await r.text();
      assert.match(text, /blockReason SAFETY/, path);
      assert.match(text, /content_blocked/, path);
    }
  });

  test('a SAFETY finish is content_filter on OpenAI surfaces, refusal on Anthropic, SAFETY on Gemini', async () => {
    const c = (await (await post('/v1/chat/completions', chat(false), finish)).json()) as { choices: Array<{ finish_reason: string }> };
    assert.equal(c.choices[0]?.finish_reason, 'content_filter');
    const raw = await (await post('/v1/chat/completions', chat(true), finish)).text();
    assert.match(raw, /"finish_reason":"content_filter"/);
    const resp = (await (await post('/v1/responses', { model: 'p-gemini', input: 'x' }, finish)).json()) as { status: string; incomplete_details: { reason: string } };
    assert.deepEqual([resp.status, resp.incomplete_details.reason], ['incomplete', 'content_filter']);
    const msg = (await (await post('/v1/messages', { model: 'p-vertex', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, finish)).json()) as { stop_reason: string };
    assert.equal(msg.stop_reason, 'refusal');
    const g = (await (await post('/v1beta/models/p-gemini:generateContent', { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }, finish)).json()) as { candidates: Array<{ finishReason: string }> };
    assert.equal(g.candidates[0]?.finishReason, 'SAFETY');
  });
});
