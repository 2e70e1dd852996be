// Streamed /v1/chat/completions to every provider type through the simulator, read as raw SSE frames:
// one finish reason, the usage chunk the client asked for (equal to the simulator's bill, and the
// ledger's cost to match), `[DONE]` last; parallel tool calls keep their own index and id (R5); a
// stream cut or failed mid-way ends with an error frame and never `[DONE]` (R6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, authHeaders, startHarness, type Harness } from '../helpers/harness.js';
import { billOf, costNanosAt, lastUpstream, ledgerRow, matrixConfig, ROWS } from './provider-matrix.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
});
after(async () => h.close());

interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: Array<{ index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }> };
    finish_reason: string | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  error?: { code: string; message: string };
  prompt_filter_results?: unknown;
}

/** Azure opens its streams with a prompt-filter chunk (empty id and choices), relayed as Azure sent it. */
const answerChunks = (f: Array<Chunk | '[DONE]'>): Chunk[] => f.filter((c): c is Chunk => c !== '[DONE]' && c.prompt_filter_results === undefined);

/** The data of every frame, in order; `[DONE]` as the string. */
function frames(raw: string): Array<Chunk | '[DONE]'> {
  return raw
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((b) => {
      assert.ok(b.startsWith('data: '), `a data-only frame: ${b}`);
      const data = b.slice(6);
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Chunk);
    });
}

async function stream(group: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ res: Response; raw: string }> {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), ...headers },
    body: JSON.stringify({ model: group, max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'Stream to me' }], ...body }),
  });
  return { res, raw: await res.text() };
}

const TOOLS = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];

for (const row of ROWS) {
  describe(`streamed chat → ${row.name}`, () => {
    test('deltas, one finish reason, the usage chunk (the provider\'s bill) and [DONE] last; the ledger bills it exactly', async () => {
      const before = await billOf(h.mockUrl, row.model);
      const { res, raw } = await stream(row.group, { stream_options: { include_usage: true } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(res.headers.get('x-tollgate-deployment'), row.deployment);
      assert.equal((await lastUpstream(h.mockUrl)).path, row.chatPath(true).split('?')[0]);

      const f = frames(raw);
      assert.equal(f.at(-1), '[DONE]');
      const chunks = answerChunks(f);
      assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id !== '' && c.id === chunks[0]!.id), 'one id, chunk objects only');
      assert.ok(chunks.every((c) => c.model !== ''), 'every chunk names a model');
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      assert.match(text, /^Simulated answer from /);
      const finishes = chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter((x) => x !== null);
      assert.deepEqual(finishes, ['stop']);

      const usageChunk = chunks.at(-1)!;
      assert.deepEqual(usageChunk.choices, [], 'usage rides on its own last chunk');
      const after = await billOf(h.mockUrl, row.model);
      const billed = [after.prompt_tokens - before.prompt_tokens, after.completion_tokens - before.completion_tokens] as const;
      assert.deepEqual([usageChunk.usage?.prompt_tokens, usageChunk.usage?.completion_tokens], billed, 'usage is what the provider billed');
      assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), 'every other chunk says usage: null, as OpenAI does');

      const ledger = await ledgerRow(h.gateway.url, row.group, res.headers.get('x-tollgate-request-id') ?? '', ADMIN_KEY);
      assert.deepEqual([Boolean(ledger.stream), ledger.status, ledger.input_tokens, ledger.output_tokens], [true, 200, ...billed]);
      assert.equal(BigInt(ledger.cost_nanos), costNanosAt(...billed));
    });

    test('without include_usage no usage chunk is sent, and the stream still ends with [DONE]', async () => {
      const f = frames((await stream(row.group, {})).raw);
      assert.equal(f.at(-1), '[DONE]');
      assert.ok(answerChunks(f).every((c) => c.choices.length > 0 && (c.usage === undefined || c.usage === null)));
    });

    test('R5: three parallel tool calls streamed keep their own index and id, arguments whole per call', async () => {
      const { raw } = await stream(row.group, { tools: TOOLS }, { 'x-mock-tool-calls': '3' });
      const f = frames(raw);
      assert.equal(f.at(-1), '[DONE]');
      const calls = new Map<number, { id: string; name: string; args: string }>();
      for (const c of answerChunks(f)) {
        for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
          const known = calls.get(tc.index);
          if (known === undefined) {
            assert.ok(tc.id && tc.function?.name, `the first fragment of call ${tc.index} carries its id and name`);
            calls.set(tc.index, { id: tc.id, name: tc.function.name, args: tc.function.arguments ?? '' });
          } else {
            assert.ok(tc.id === undefined || tc.id === known.id, `call ${tc.index} keeps its id`);
            known.args += tc.function?.arguments ?? '';
          }
        }
      }
      assert.deepEqual([...calls.keys()].sort(), [0, 1, 2]);
      assert.equal(new Set([...calls.values()].map((c) => c.id)).size, 3);
      assert.deepEqual([...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => JSON.parse(c.args) as unknown), [0, 1, 2].map((n) => ({ input: `value ${n}`, n })));
      const finishes = answerChunks(f).flatMap((c) => c.choices.map((x) => x.finish_reason)).filter((x) => x !== null);
      assert.deepEqual(finishes, ['tool_calls']);
    });

    test('R6: a stream cut mid-way ends with an error frame, never [DONE]', async () => {
      const { res, raw } = await stream(row.group, {}, { 'x-mock-cut-after': '2' });
      assert.equal(res.status, 200);
      const f = frames(raw);
      assert.ok(!f.includes('[DONE]'));
      const last = f.at(-1) as Chunk;
      assert.equal(last.error?.code, 'upstream_stream_incomplete');
    });

    test('R6: an error event from the provider mid-stream reaches the client as an error frame, never [DONE]', async () => {
      const { raw } = await stream(row.group, {}, { 'x-mock-error-after': '2' });
      const f = frames(raw);
      assert.ok(!f.includes('[DONE]'));
      const last = f.at(-1) as Chunk;
      assert.ok(last.error !== undefined, `an error frame last: ${raw.slice(-300)}`);
      assert.ok(answerChunks(f.slice(0, -1)).every((c) => c.choices.every((x) => x.finish_reason === null)), 'no finish reason before the error');
    });
  });
}

describe('streams that fail before any output', () => {
  test('R6: an error event before the first delta falls back to the next deployment, and the client sees one clean stream', async () => {
    const rule = await fetch(`${h.mockUrl}/_mock/faults`, { method: 'POST', body: JSON.stringify({ match: { model: 'claude-sonnet-4-5' }, faults: { error_after: 0 }, times: 1 }) });
    assert.equal(rule.status, 200);
    const { res, raw } = await stream('fb-anthropic', { stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tollgate-deployment'), 'gem/gemini-2.5-flash');
    assert.equal(res.headers.get('x-tollgate-attempts'), '2');
    const f = frames(raw);
    assert.equal(f.at(-1), '[DONE]');
    assert.ok(answerChunks(f).every((c) => c.error === undefined), 'no error frame reached the client');
  });
});
