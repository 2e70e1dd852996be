// /v1/chat/completions (the official openai SDK as the client) to every provider type through the
// simulator: one suite body, a row per provider. Each test checks what reached the upstream (path,
// credential, the translated body) and what came back, and that the cost receipt is exactly the
// simulator's bill at the configured price.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { nanosToUsdString } from '../../src/core/money.js';
import { MOCK_PNG } from '../../src/mock/control.js';
import { KEY, startHarness, type Harness } from '../helpers/harness.js';
import { billOf as bill, costNanosAt, lastUpstream, matrixConfig, ROWS } from './provider-matrix.js';
import { imagesSent, schemaSent, systemSent, toolsSent } from './upstream-probes.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({ config: (mockUrl) => matrixConfig(mockUrl) });
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
});
after(async () => h.close());

/** USD for these tokens at the matrix price, by the gateway's one rounding rule (exact here). */
function usd(prompt: number, completion: number): string {
  return nanosToUsdString(costNanosAt(prompt, completion));
}

const PNG_DATA_URL = `data:image/png;base64,${MOCK_PNG.toString('base64')}`;
const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
];
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

for (const row of ROWS) {
  describe(`chat completions → ${row.name}`, () => {
    test('a chat is translated to the provider, authenticated with its credential, and billed exactly', async () => {
      const before = await bill(h.mockUrl, row.model);
      const { data, response } = await client.chat.completions
        .create({ model: row.group, max_tokens: 64, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }] })
        .withResponse();
      assert.equal(data.object, 'chat.completion');
      assert.ok(data.id !== '' && data.model !== '', 'an id and a model even where the provider sends none (Bedrock, Cohere)');
      assert.match(data.choices[0]?.message.content ?? '', /^Simulated answer from /);
      assert.equal(data.choices[0]?.finish_reason, 'stop');
      assert.equal(response.headers.get('x-tollgate-deployment'), row.deployment);

      const up = await lastUpstream(h.mockUrl);
      assert.equal(up.path, row.chatPath(false));
      assert.match(up.headers[row.auth[0]] ?? '', row.auth[1], `${row.auth[0]} carries the deployment's credential`);
      assert.ok(!JSON.stringify(up.headers).includes(KEY), 'the client key never reaches the upstream');
      assert.equal(systemSent(row.wire, JSON.parse(up.body) as Record<string, unknown>), 'Be brief.', 'the system prompt is placed, never added or changed');

      const after = await bill(h.mockUrl, row.model);
      const billed = { prompt: after.prompt_tokens - before.prompt_tokens, completion: after.completion_tokens - before.completion_tokens };
      assert.deepEqual([data.usage?.prompt_tokens, data.usage?.completion_tokens], [billed.prompt, billed.completion], 'usage is what the provider billed');
      assert.equal(response.headers.get('x-tollgate-cost-usd'), usd(billed.prompt, billed.completion));
    });

    test('M6: cached reads and cache writes are normalised into the prompt and priced per token class, exactly', async () => {
      const before = await bill(h.mockUrl, row.model);
      const { data, response } = await client.chat.completions
        .create({ model: row.group, max_tokens: 64, messages: [{ role: 'user', content: 'A prompt long enough to have a cached prefix' }] }, { headers: { 'x-mock-cached-tokens': '3', 'x-mock-cache-write-tokens': '2' } })
        .withResponse();
      const after = await bill(h.mockUrl, row.model);
      const prompt = after.prompt_tokens - before.prompt_tokens;
      const cached = after.cached_tokens - before.cached_tokens;
      assert.equal(cached, 3);
      const u = data.usage as OpenAI.CompletionUsage & { prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number } };
      // Only the wires that report cache writes (Anthropic, Bedrock) have any.
      const written = u.prompt_tokens_details.cache_write_tokens ?? 0;
      assert.equal(written, row.wire === 'anthropic' || row.wire === 'bedrock' ? 2 : 0);
      assert.deepEqual([u.prompt_tokens, u.prompt_tokens_details.cached_tokens, u.completion_tokens], [prompt, cached, after.completion_tokens - before.completion_tokens], 'cached tokens inside the prompt, as OpenAI counts them');
      assert.equal(response.headers.get('x-tollgate-cost-usd'), nanosToUsdString(costNanosAt(prompt, u.completion_tokens, cached, written)));
    });

    test('an answer cut by the output cap says so on every surface: length, max_tokens, incomplete, MAX_TOKENS', async () => {
      const post = async (path: string, body: unknown): Promise<Record<string, unknown>> =>
        (await (await fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'x-goog-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<string, unknown>;
      const chat = await post('/v1/chat/completions', { model: row.group, max_tokens: 3, messages: [{ role: 'user', content: 'x' }] });
      assert.equal((chat['choices'] as Array<{ finish_reason: string }>)[0]?.finish_reason, 'length');
      const msg = await post('/v1/messages', { model: row.group, max_tokens: 3, messages: [{ role: 'user', content: 'x' }] });
      assert.equal(msg['stop_reason'], 'max_tokens');
      const resp = await post('/v1/responses', { model: row.group, max_output_tokens: 3, input: 'x' });
      assert.deepEqual([resp['status'], (resp['incomplete_details'] as { reason: string }).reason], ['incomplete', 'max_output_tokens']);
      const gem = await post(`/v1beta/models/${row.group}:generateContent`, { contents: [{ role: 'user', parts: [{ text: 'x' }] }], generationConfig: { maxOutputTokens: 3 } });
      assert.equal((gem['candidates'] as Array<{ finishReason: string }>)[0]?.finishReason, 'MAX_TOKENS');
    });

    test('tools reach the provider in its own shape; parallel calls come back with distinct ids; results go back', async () => {
      const first = await client.chat.completions.create(
        { model: row.group, max_tokens: 200, messages: [{ role: 'user', content: 'Weather and time in Paris?' }], tools: TOOLS },
        { headers: { 'x-mock-tool-calls': '2' } },
      );
      assert.deepEqual(toolsSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), ['get_weather', 'get_time']);
      const msg = first.choices[0]!.message;
      assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
      const calls = (msg.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [c] : []));
      assert.deepEqual(calls.map((c) => c.function.name), ['get_weather', 'get_time']);
      assert.equal(new Set(calls.map((c) => c.id)).size, 2);
      for (const c of calls) JSON.parse(c.function.arguments);

      // The second turn sends the calls and their results back: the provider's pairing rules hold.
      const second = await client.chat.completions.create({
        model: row.group,
        max_tokens: 50,
        tools: TOOLS,
        messages: [
          { role: 'user', content: 'Weather and time in Paris?' },
          { role: 'assistant', content: null, tool_calls: msg.tool_calls ?? [] },
          ...calls.map((c) => ({ role: 'tool' as const, tool_call_id: c.id, content: `result of ${c.function.name}` })),
        ],
      });
      assert.equal(second.choices[0]?.finish_reason, 'stop');
      assert.ok(JSON.stringify(JSON.parse((await lastUpstream(h.mockUrl)).body)).includes('result of get_time'), 'tool results reached the upstream');
    });

    test('images: base64 is sent inline; a URL is fetched and inlined only for providers that need bytes', async () => {
      const url = `${h.mockUrl}/_mock/image.png`;
      const r = await client.chat.completions.create({
        model: row.group,
        max_tokens: 20,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Two pictures' }, { type: 'image_url', image_url: { url: PNG_DATA_URL } }, { type: 'image_url', image_url: { url } }] }],
      });
      assert.equal(r.choices[0]?.finish_reason, 'stop');
      const sent = imagesSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>);
      assert.deepEqual(sent, [PNG_DATA_URL, row.inlineImages ? PNG_DATA_URL : url]);
    });

    test('structured output: the JSON schema reaches the provider in its own field', async () => {
      const r = await client.chat.completions.create({
        model: row.group,
        max_tokens: 30,
        messages: [{ role: 'user', content: 'Answer in JSON' }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA, strict: true } },
      });
      assert.equal(r.choices[0]?.finish_reason, 'stop');
      assert.deepEqual(schemaSent(row.wire, JSON.parse((await lastUpstream(h.mockUrl)).body) as Record<string, unknown>), SCHEMA);
    });
  });
}
