// POST /v1/messages with the official @anthropic-ai/sdk as the client, to every provider type
// through the simulator: the Anthropic shape in and out, whatever the upstream wire (to an Anthropic
// deployment the body is relayed byte for byte; every other wire is translated). Checks what reached
// the upstream, the answer's content blocks, stop reason and usage (the provider's bill), raw stream
// frames (message_stop last), parallel tool_use blocks (R5) and broken streams (R6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { nanosToUsdString } from '../../src/core/money.js';
import { MOCK_PNG } from '../../src/mock/control.js';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';
import { billOf, costNanosAt, lastUpstream, matrixConfig, ROWS } from './provider-matrix.js';
import { imagesSent, schemaSent, systemSent, toolsSent } from './upstream-probes.js';

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
  client = new Anthropic({ apiKey: KEY, baseURL: h.gateway.url, maxRetries: 0 });
});
after(async () => h.close());

type Frame = { event: string; data: Record<string, unknown> };

/** `event:` / `data:` frames, pings left out. */
function frames(raw: string): Frame[] {
  return raw
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((b) => {
      const [name, data] = b.split('\n');
      assert.ok(name?.startsWith('event: ') && data?.startsWith('data: '), b);
      return { event: name.slice(7), data: JSON.parse(data.slice(6)) as Record<string, unknown> };
    })
    .filter((f) => f.event !== 'ping');
}

async function rawStream(group: string, headers: Record<string, string> = {}): Promise<Frame[]> {
  const r = await fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: group, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Stream to me' }] }),
  });
  assert.equal(r.status, 200);
  return frames(await r.text());
}

const TOOLS: Anthropic.Tool[] = [
  { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
];
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

for (const row of ROWS) {
  describe(`/v1/messages → ${row.name}`, () => {
    test('messages.create: the system prompt placed, text blocks back, usage = the provider\'s bill, exact cost', async () => {
      const before = await billOf(h.mockUrl, row.model);
      const { data, response } = await client.messages.create({ model: row.group, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }] }).withResponse();
      assert.equal(data.type, 'message');
      // Relayed byte for byte from an Anthropic deployment (its model name); translated answers show the client's.
      assert.equal(data.model, row.wire === 'anthropic' ? row.model : row.group);
      assert.ok(data.id !== '');
      assert.equal(data.content[0]?.type, 'text');
      assert.match(data.content[0]?.type === 'text' ? data.content[0].text : '', /^Simulated answer from /);
      assert.equal(data.stop_reason, 'end_turn');
      assert.equal(response.headers.get('x-tollgate-deployment'), row.deployment);

      const up = await lastUpstream(h.mockUrl);
      assert.equal(up.path, row.chatPath(false));
      assert.match(up.headers[row.auth[0]] ?? '', row.auth[1]);
      assert.equal(systemSent(row.wire, JSON.parse(up.body) as Record<string, unknown>), 'Be brief.');

      const after = await billOf(h.mockUrl, row.model);
      const billed = [after.prompt_tokens - before.prompt_tokens, after.completion_tokens - before.completion_tokens] as const;
      // Anthropic counts cached tokens beside input_tokens: none here, so input is the whole prompt.
      assert.deepEqual([data.usage.input_tokens, data.usage.output_tokens], billed);
      assert.equal(response.headers.get('x-tollgate-cost-usd'), nanosToUsdString(costNanosAt(...billed)));
    });

    test('a raw stream: message_start, deltas, message_delta with the stop reason and usage, message_stop last', async () => {
      const f = await rawStream(row.group);
      assert.equal(f[0]?.event, 'message_start');
      assert.equal(f.at(-1)?.event, 'message_stop');
      const delta = f.find((x) => x.event === 'message_delta');
      assert.equal((delta?.data['delta'] as { stop_reason: string }).stop_reason, 'end_turn');
      assert.ok(((delta?.data['usage'] as { output_tokens: number }).output_tokens ?? 0) > 0);
      const text = f.filter((x) => x.event === 'content_block_delta').map((x) => (x.data['delta'] as { text?: string }).text ?? '').join('');
      assert.match(text, /^Simulated answer from /);
      assert.equal((await lastUpstream(h.mockUrl)).path, row.chatPath(true));
    });

    test('R5: parallel tool calls streamed come back as separate tool_use blocks; their results go back', async () => {
      const final = await client.messages.stream({ model: row.group, max_tokens: 200, tools: TOOLS, messages: [{ role: 'user', content: 'Weather and time?' }] }, { headers: { 'x-mock-tool-calls': '2' } }).finalMessage();
      assert.deepEqual(toolsSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), ['get_weather', 'get_time']);
      assert.equal(final.stop_reason, 'tool_use');
      const uses = final.content.flatMap((b) => (b.type === 'tool_use' ? [b] : []));
      assert.deepEqual(uses.map((u) => [u.name, u.input]), [['get_weather', { input: 'value 0', n: 0 }], ['get_time', { input: 'value 1', n: 1 }]]);
      assert.equal(new Set(uses.map((u) => u.id)).size, 2);

      const next = await client.messages.create({
        model: row.group,
        max_tokens: 50,
        tools: TOOLS,
        messages: [
          { role: 'user', content: 'Weather and time?' },
          { role: 'assistant', content: final.content },
          { role: 'user', content: uses.map((u) => ({ type: 'tool_result' as const, tool_use_id: u.id, content: `result of ${u.name}` })) },
        ],
      });
      assert.equal(next.stop_reason, 'end_turn');
      assert.ok((await lastUpstream(h.mockUrl)).body.includes('result of get_time'));
    });

    test('R6: a stream cut mid-way ends with an error event, never message_stop', async () => {
      const f = await rawStream(row.group, { 'x-mock-cut-after': '2' });
      assert.ok(!f.some((x) => x.event === 'message_stop'));
      assert.equal(f.at(-1)?.event, 'error');
      assert.equal((f.at(-1)?.data['error'] as { type: string }).type, 'api_error');
    });

    test('C1: the same request reaches the provider as the same bytes, with the client\'s cache breakpoints where the wire has them', async () => {
      const req = {
        model: row.group,
        max_tokens: 20,
        system: [{ type: 'text' as const, text: 'A long, stable policy', cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }],
        tools: [{ ...TOOLS[0]!, cache_control: { type: 'ephemeral' as const } }],
        messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Context', cache_control: { type: 'ephemeral' as const } }, { type: 'text' as const, text: 'Question' }] }],
      };
      await client.messages.create(req);
      const first = (await lastUpstream(h.mockUrl)).body;
      await client.messages.create(req);
      assert.equal((await lastUpstream(h.mockUrl)).body, first, 'stable bytes: nothing per-request in the prefix');
      const body = JSON.parse(first) as Record<string, unknown>;
      if (row.wire === 'bedrock') {
        assert.deepEqual(body['system'], [{ text: 'A long, stable policy' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
        assert.deepEqual((body['messages'] as Array<{ content: unknown[] }>)[0]?.content, [{ text: 'Context' }, { cachePoint: { type: 'default' } }, { text: 'Question' }]);
        assert.deepEqual(((body['toolConfig'] as { tools: object[] }).tools).map((t) => Object.keys(t)[0]), ['toolSpec', 'cachePoint']);
      }
      if (row.wire === 'anthropic') assert.match(first, /"cache_control":\{"type":"ephemeral","ttl":"1h"\}/);
    });

    test('images (base64 and URL) and a JSON schema reach the provider in its own shape', async () => {
      const b64 = MOCK_PNG.toString('base64');
      const url = `${h.mockUrl}/_mock/image.png`;
      const r = await client.messages.create({
        model: row.group,
        max_tokens: 30,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe, in JSON' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64 } }, { type: 'image', source: { type: 'url', url } }] }],
        output_config: { format: { type: 'json_schema', schema: SCHEMA } },
      });
      assert.equal(r.stop_reason, 'end_turn');
      const body = JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>;
      const png = `data:image/png;base64,${b64}`;
      assert.deepEqual(imagesSent(row.wire, body), [png, row.inlineImages ? png : url]);
      assert.deepEqual(schemaSent(row.wire, body), SCHEMA);
    });
  });
}
