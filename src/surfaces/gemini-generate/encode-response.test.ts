import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatChoice, ChatResponse } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import { decodeGenerateContentRequest } from './decode.js';
import { candidateParts, encodeGenerateContentResponse } from './encode-response.js';
import { serve } from './test-sdk-server.js';

const USAGE = { inputTokens: 1000, cachedInputTokens: 700, cacheWriteTokens: 200, outputTokens: 50, reasoningTokens: 10 };

const TOOLS: ChatResponse = {
  id: 'chatcmpl-1',
  model: 'gpt-x',
  created: 1,
  choices: [
    {
      index: 0,
      text: 'Let me check',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_b', name: 'get_time', arguments: '' },
      ],
      finishReason: 'tool_calls',
      providerFinishReason: 'tool_calls',
      reasoning: [{ type: 'thinking', text: 'hmm', signature: 's' }, { type: 'redacted', data: 'opaque' }],
    },
  ],
  usage: USAGE,
};

test('the JSON shape: parts in order, args as objects, finishReason STOP for calls, usage in Gemini convention', () => {
  const body = JSON.parse(encodeGenerateContentResponse(TOOLS, { model: 'alias' })) as Record<string, unknown>;
  assert.deepEqual(body, {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            { text: 'hmm', thought: true, thoughtSignature: 's' },
            { text: 'Let me check' },
            { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } },
            { functionCall: { id: 'call_b', name: 'get_time', args: {} } },
          ],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    // cache writes are inside the prompt count; thoughts are beside the candidates count.
    usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 40, totalTokenCount: 1050, cachedContentTokenCount: 700, thoughtsTokenCount: 10 },
    modelVersion: 'alias',
    responseId: 'chatcmpl-1',
  });
  const plain = JSON.parse(encodeGenerateContentResponse({ ...TOOLS, usage: { ...USAGE, cachedInputTokens: 0, reasoningTokens: 0 } })) as { usageMetadata: object; modelVersion: string };
  assert.deepEqual(plain.usageMetadata, { promptTokenCount: 1000, candidatesTokenCount: 50, totalTokenCount: 1050 });
  assert.equal(plain.modelVersion, 'gpt-x');
  assert.equal('usageMetadata' in JSON.parse(encodeGenerateContentResponse({ ...TOOLS, usage: null })), false);
});

test('finish reasons: mapped from ours, the provider’s own Gemini word kept, an error answer is OTHER, none is thrown', () => {
  const reason = (finishReason: ChatChoice['finishReason'], providerFinishReason: string | null): unknown => {
    const body = JSON.parse(encodeGenerateContentResponse({ ...TOOLS, choices: [{ index: 0, text: 'x', toolCalls: [], finishReason, providerFinishReason }] })) as {
      candidates: { finishReason: string }[];
    };
    return body.candidates[0]?.finishReason;
  };
  assert.equal(reason('stop', 'end_turn'), 'STOP');
  assert.equal(reason('tool_calls', 'tool_use'), 'STOP');
  assert.equal(reason('length', 'max_tokens'), 'MAX_TOKENS');
  assert.equal(reason('content_filter', 'refusal'), 'SAFETY');
  assert.equal(reason('content_filter', 'RECITATION'), 'RECITATION');
  assert.equal(reason('error', 'MALFORMED_FUNCTION_CALL'), 'MALFORMED_FUNCTION_CALL');
  assert.equal(reason('error', 'malformed_tool_use'), 'OTHER');
  assert.equal(reason('stop', 'LANGUAGE'), 'LANGUAGE');
  assert.throws(() => reason(null, null), UpstreamError);
  assert.throws(() => encodeGenerateContentResponse({ ...TOOLS, choices: [] }), UpstreamError);
});

test('several choices become candidates by index; non-JSON tool arguments are an upstream error', () => {
  const two = JSON.parse(
    encodeGenerateContentResponse({
      ...TOOLS,
      choices: [
        { index: 1, text: 'B', toolCalls: [], finishReason: 'length', providerFinishReason: null },
        { index: 0, text: 'A', toolCalls: [], finishReason: 'stop', providerFinishReason: null },
      ],
    }),
  ) as { candidates: { index: number; content: { parts: unknown[] }; finishReason: string }[] };
  assert.deepEqual(two.candidates.map((c) => [c.index, c.content.parts, c.finishReason]), [
    [0, [{ text: 'A' }], 'STOP'],
    [1, [{ text: 'B' }], 'MAX_TOKENS'],
  ]);
  assert.throws(
    () => encodeGenerateContentResponse({ ...TOOLS, choices: [{ index: 0, text: null, toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":' }], finishReason: 'tool_calls', providerFinishReason: null }] }),
    (e: unknown) => e instanceof UpstreamError && e.status === 502,
  );
});

test('reasoning round-trips through the client: signature-only blocks ride on the first call, or the text', () => {
  const choice = {
    text: 'Answer',
    toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }],
    reasoning: [
      { type: 'thinking' as const, text: 'plan', signature: 's1' },
      { type: 'thinking' as const, text: 'open' },
      { type: 'thinking' as const, text: '', signature: 's2' },
      { type: 'thinking' as const, text: '', signature: 's3' },
    ],
  };
  const parts = candidateParts(choice);
  assert.deepEqual(parts, [
    { text: 'plan', thought: true, thoughtSignature: 's1' },
    { text: 'open', thought: true },
    { text: 'Answer' },
    { functionCall: { id: 'c1', name: 'f', args: { a: 1 } }, thoughtSignature: 's2' },
    { text: '', thoughtSignature: 's3' },
  ]);
  // The client sends the turn back: the same reasoning, text and call come out.
  const back = decodeGenerateContentRequest({ contents: [{ role: 'user', parts: [{ text: 'q' }] }, { role: 'model', parts }] }, { model: 'm', stream: false });
  assert.deepEqual(back.messages[1], { role: 'assistant', content: [{ type: 'text', text: 'Answer' }], toolCalls: choice.toolCalls, reasoning: choice.reasoning });
  assert.deepEqual(candidateParts({ text: 'Hi', toolCalls: [], reasoning: [{ type: 'thinking', text: '', signature: 'g' }] }), [{ text: 'Hi', thoughtSignature: 'g' }]);
  assert.deepEqual(candidateParts({ text: null, toolCalls: [], reasoning: [{ type: 'thinking', text: '', signature: 'g' }] }), [{ text: '', thoughtSignature: 'g' }]);
});

test('the SDK reads a translated answer: text, function calls with ids and args, finish reason, usage', async () => {
  const s = await serve(200, 'application/json', () => encodeGenerateContentResponse(TOOLS, { model: 'alias' }));
  try {
    const r = await s.client.models.generateContent({ model: 'alias', contents: 'Weather?' });
    assert.equal(r.text, 'Let me check');
    assert.deepEqual(r.functionCalls, [
      { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } },
      { id: 'call_b', name: 'get_time', args: {} },
    ]);
    assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
    assert.equal(r.candidates?.[0]?.content?.parts?.[0]?.thought, true);
    assert.equal(r.usageMetadata?.promptTokenCount, 1000);
    assert.equal(r.usageMetadata?.cachedContentTokenCount, 700);
    assert.equal(r.usageMetadata?.candidatesTokenCount, 40);
    assert.equal(r.usageMetadata?.thoughtsTokenCount, 10);
    assert.equal(r.usageMetadata?.totalTokenCount, 1050);
    assert.equal(r.modelVersion, 'alias');
    assert.equal(r.responseId, 'chatcmpl-1');
  } finally {
    await s.close();
  }
});
