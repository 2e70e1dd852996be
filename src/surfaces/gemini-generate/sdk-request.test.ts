// What the official SDK really sends reaches our route parser and decoder intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, Type } from '@google/genai';
import { decodeGenerateContentRequest } from './decode.js';
import { matchGeminiRoute } from './path.js';
import { serve, type Captured } from './test-sdk-server.js';

const ANSWER = JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }] });

function decodeCaptured(c: Captured): ReturnType<typeof decodeGenerateContentRequest> {
  const route = matchGeminiRoute(c.url);
  assert.equal(route?.kind, 'generate', c.url);
  if (route?.kind !== 'generate') throw new Error('unreachable');
  return decodeGenerateContentRequest(JSON.parse(c.body), route);
}

test('an SDK generateContent with history, tools, tool config and a schema decodes to the canonical request', async () => {
  const s = await serve(200, 'application/json', () => ANSWER);
  try {
    await s.client.models.generateContent({
      model: 'openai/gpt-x',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }] },
      ],
      config: {
        systemInstruction: 'Be brief',
        temperature: 0.2,
        maxOutputTokens: 300,
        stopSequences: ['END'],
        tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] } }] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
        responseMimeType: 'application/json',
        responseSchema: { type: Type.OBJECT, properties: { answer: { type: Type.STRING } } },
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
    const c = s.requests[0];
    assert.ok(c !== undefined);
    assert.equal(c.method, 'POST');
    assert.equal(c.headers['x-goog-api-key'], 'x');
    const r = decodeCaptured(c);
    assert.equal(r.model, 'openai/gpt-x');
    assert.equal(r.stream, false);
    assert.deepEqual(r.messages, [
      { role: 'system', content: [{ type: 'text', text: 'Be brief' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [], toolCalls: [{ id: 'call_1_0', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1_0', content: [{ type: 'text', text: 'sunny' }] },
    ]);
    assert.deepEqual(r.tools, [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }]);
    assert.deepEqual(r.toolChoice, { name: 'get_weather' });
    assert.deepEqual(r.responseFormat, { type: 'json_schema', name: 'response', schema: { type: 'object', properties: { answer: { type: 'string' } } } });
    assert.equal(r.temperature, 0.2);
    assert.equal(r.maxOutputTokens, 300);
    assert.deepEqual(r.stop, ['END']);
    assert.equal(r.reasoningEffort, 'none');
  } finally {
    await s.close();
  }
});

test('an SDK stream asks for alt=sse and decodes as a stream with usage', async () => {
  const s = await serve(200, 'text/event-stream', () => `data: ${ANSWER}\r\n\r\n`);
  try {
    const stream = await s.client.models.generateContentStream({ model: 'fast', contents: 'Hi' });
    for await (const chunk of stream) assert.equal(chunk.text, 'ok');
    const r = decodeCaptured(s.requests[0] as Captured);
    assert.equal(r.model, 'fast');
    assert.equal(r.stream, true);
    assert.equal(r.streamIncludeUsage, true);
    assert.deepEqual(r.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  } finally {
    await s.close();
  }
});
