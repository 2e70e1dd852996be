// POST /v1/responses with the official openai SDK (responses.create, streamed and not) as the client,
// to every provider type through the simulator: the same pipeline as every route (auth, admission,
// accounting, ledger, receipts — M1). No provider speaks this wire: OpenAI-wire providers get Chat
// Completions, the others their own wire, all through the canonical types. Errors come in OpenAI's
// shape; a broken stream ends with `response.failed` and an `error` event, never
// `response.completed` (R6); parallel calls stay apart (R5).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { MOCK_PNG } from '../../src/mock/control.js';
import { ADMIN_KEY, authHeaders, KEY, startHarness, type Harness } from '../helpers/harness.js';
import { specMissingReason, validateAgainst } from '../helpers/openapi.js';
import { billOf, costNanosAt, lastUpstream, ledgerRow, matrixConfig, ROWS } from './provider-matrix.js';
import { imagesSent, schemaSent, systemSent, toolsSent } from './upstream-probes.js';
import { nanosToUsdString } from '../../src/core/money.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

type Ev = { type: string; sequence_number: number } & Record<string, unknown>;

/** `event: <type>` / `data: <json>` frames → their data, checking each name repeats its type. */
function events(raw: string): Ev[] {
  return raw
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((b) => {
      const [name, data] = b.split('\n');
      assert.ok(name?.startsWith('event: ') && data?.startsWith('data: '), b);
      const ev = JSON.parse(data.slice(6)) as Ev;
      assert.equal(ev.type, name.slice(7));
      return ev;
    });
}

async function rawStream(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ res: Response; events: Ev[] }> {
  const res = await fetch(`${h.gateway.url}/v1/responses`, { method: 'POST', headers: { ...authHeaders(), ...headers }, body: JSON.stringify({ stream: true, ...body }) });
  return { res, events: events(await res.text()) };
}

const TOOLS: OpenAI.Responses.FunctionTool[] = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
  { type: 'function', name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } }, strict: false },
];
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

for (const row of ROWS) {
  describe(`/v1/responses → ${row.name}`, () => {
    test('responses.create: translated for the provider, answered as a Response, billed and ledgered exactly', async (t) => {
      const before = await billOf(h.mockUrl, row.model);
      const { data, response } = await client.responses.create({ model: row.group, instructions: 'Be brief.', input: 'Hello there', max_output_tokens: 64 }).withResponse();
      assert.equal(data.object, 'response');
      assert.equal(data.status, 'completed');
      assert.equal(data.model, row.group);
      assert.match(data.id, /^resp_./);
      assert.match(data.output_text, /^Simulated answer from /);
      assert.equal(response.headers.get('x-tollgate-deployment'), row.deployment);

      const up = await lastUpstream(h.mockUrl);
      assert.equal(up.path, row.chatPath(false));
      assert.match(up.headers[row.auth[0]] ?? '', row.auth[1]);
      assert.equal(systemSent(row.wire, JSON.parse(up.body) as Record<string, unknown>), 'Be brief.', 'instructions are the system prompt');

      const after = await billOf(h.mockUrl, row.model);
      const billed = [after.prompt_tokens - before.prompt_tokens, after.completion_tokens - before.completion_tokens] as const;
      assert.deepEqual([data.usage?.input_tokens, data.usage?.output_tokens], billed);
      assert.equal(response.headers.get('x-tollgate-cost-usd'), nanosToUsdString(costNanosAt(...billed)));
      const ledger = await ledgerRow(h.gateway.url, row.group, response.headers.get('x-tollgate-request-id') ?? '', ADMIN_KEY);
      assert.deepEqual([ledger.surface, ledger.status, BigInt(ledger.cost_nanos)], ['/v1/responses', 200, costNanosAt(...billed)]);

      const skip = specMissingReason();
      if (skip) return t.skip(skip);
      assert.deepEqual(validateAgainst('Response', data), []);
    });

    test('a stream runs created → deltas → completed, numbered without gaps, usage in the terminal event and the ledger', async () => {
      const before = await billOf(h.mockUrl, row.model);
      const { res, events: evs } = await rawStream({ model: row.group, input: 'Stream to me' });
      assert.equal(res.status, 200);
      assert.equal((await lastUpstream(h.mockUrl)).path, row.chatPath(true));
      assert.deepEqual(evs.slice(0, 2).map((e) => e.type), ['response.created', 'response.in_progress']);
      assert.deepEqual(evs.map((e) => e.sequence_number), evs.map((_, i) => i));
      const last = evs.at(-1)!;
      assert.equal(last.type, 'response.completed');
      assert.equal(evs.filter((e) => e.type === 'response.completed' || e.type === 'response.failed' || e.type === 'error').length, 1);
      const text = evs.filter((e) => e.type === 'response.output_text.delta').map((e) => e['delta'] as string).join('');
      assert.match(text, /^Simulated answer from /);
      const after = await billOf(h.mockUrl, row.model);
      const billed = [after.prompt_tokens - before.prompt_tokens, after.completion_tokens - before.completion_tokens] as const;
      const usage = (last['response'] as { usage: { input_tokens: number; output_tokens: number } }).usage;
      assert.deepEqual([usage.input_tokens, usage.output_tokens], billed);
      const ledger = await ledgerRow(h.gateway.url, row.group, res.headers.get('x-tollgate-request-id') ?? '', ADMIN_KEY);
      assert.deepEqual([Boolean(ledger.stream), BigInt(ledger.cost_nanos)], [true, costNanosAt(...billed)]);

      // The same through the SDK: responses.create({stream: true}) yields the events in order.
      const types: string[] = [];
      for await (const e of await client.responses.create({ model: row.group, input: 'Stream to me', stream: true })) types.push(e.type);
      assert.deepEqual([types[0], types.at(-1)], ['response.created', 'response.completed']);
    });

    test('R5: parallel function calls streamed through the SDK stay apart, each with its own call id', async () => {
      const st = client.responses.stream({ model: row.group, input: 'Weather and time?', tools: TOOLS }, { headers: { 'x-mock-tool-calls': '2' } });
      const final = await st.finalResponse();
      assert.deepEqual(toolsSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), ['get_weather', 'get_time']);
      const calls = final.output.flatMap((o) => (o.type === 'function_call' ? [o] : []));
      assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_time']);
      assert.equal(new Set(calls.map((c) => c.call_id)).size, 2);
      assert.deepEqual(calls.map((c) => JSON.parse(c.arguments) as unknown), [{ input: 'value 0', n: 0 }, { input: 'value 1', n: 1 }]);

      // The calls and their outputs go back as input items: the provider's pairing rules hold.
      const next = await client.responses.create({
        model: row.group,
        tools: TOOLS,
        input: [
          { role: 'user', content: 'Weather and time?' },
          ...calls.map((c) => ({ type: 'function_call' as const, call_id: c.call_id, name: c.name, arguments: c.arguments })),
          ...calls.map((c) => ({ type: 'function_call_output' as const, call_id: c.call_id, output: `result of ${c.name}` })),
        ],
      });
      assert.equal(next.status, 'completed');
      assert.ok((await lastUpstream(h.mockUrl)).body.includes('result of get_time'));
    });

    test('R6: a stream cut mid-way ends with response.failed and an error event, never response.completed; the SDK throws', async () => {
      const { events: evs } = await rawStream({ model: row.group, input: 'x' }, { 'x-mock-cut-after': '2' });
      assert.deepEqual(evs.slice(-2).map((e) => e.type), ['response.failed', 'error']);
      assert.ok(!evs.some((e) => e.type === 'response.completed'));
      assert.equal(evs.at(-1)!['code'], 'upstream_stream_incomplete');
      const st = client.responses.stream({ model: row.group, input: 'x' }, { headers: { 'x-mock-error-after': '1' } });
      await assert.rejects(st.finalResponse());
    });

    test('images and structured output reach the provider in its own shape', async () => {
      const png = `data:image/png;base64,${MOCK_PNG.toString('base64')}`;
      const url = `${h.mockUrl}/_mock/image.png`;
      const r = await client.responses.create({
        model: row.group,
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Describe, in JSON' }, { type: 'input_image', image_url: png, detail: 'auto' }, { type: 'input_image', image_url: url, detail: 'auto' }] }],
        text: { format: { type: 'json_schema', name: 'answer', schema: SCHEMA, strict: true } },
      });
      assert.equal(r.status, 'completed');
      assert.deepEqual(r.text?.format, { type: 'json_schema', name: 'answer', schema: SCHEMA, strict: true }, 'the Response repeats the format asked for');
      const body = JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>;
      assert.deepEqual(imagesSent(row.wire, body), [png, row.inlineImages ? png : url]);
      assert.deepEqual(schemaSent(row.wire, body), SCHEMA);
    });
  });
}

describe('/v1/responses errors', () => {
  test("come in OpenAI's error shape and reach the SDK as its typed errors", async () => {
    await assert.rejects(client.responses.create({ model: 'nope', input: 'x' }), (e: unknown) => e instanceof OpenAI.NotFoundError && (e.error as { code?: string }).code === 'model_not_found');
    const bad = await new OpenAI({ apiKey: 'sk-wrong-wrong-wrong-wrong', baseURL: `${h.gateway.url}/v1`, maxRetries: 0 }).responses.create({ model: 'p-openai', input: 'x' }).catch((e: unknown) => e);
    assert.ok(bad instanceof OpenAI.AuthenticationError);
    const r = await fetch(`${h.gateway.url}/v1/responses`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'p-openai', input: 'x', previous_response_id: 'resp_123' }) });
    assert.equal(r.status, 400);
    const e = ((await r.json()) as { error: { code: string; param: string } }).error;
    assert.deepEqual([e.code, e.param], ['unsupported_parameter', 'previous_response_id']);
  });

  test('an upstream failure before any output answers with an error status, not a stream', async () => {
    const r = await fetch(`${h.gateway.url}/v1/responses`, { method: 'POST', headers: { ...authHeaders(), 'x-mock-status': '400' }, body: JSON.stringify({ model: 'p-anthropic', input: 'x', stream: true }) });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.ok(((await r.json()) as { error?: unknown }).error);
  });
});
