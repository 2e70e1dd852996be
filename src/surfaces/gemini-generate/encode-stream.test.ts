import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type GenerateContentResponse } from '@google/genai';
import { StreamIncompleteError, UpstreamError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import { decodeGenerateContentRequest } from './decode.js';
import { GeminiChunkEncoder } from './encode-stream.js';
import { serve } from './test-sdk-server.js';

const START: StreamEvent = { type: 'start', id: 'chatcmpl-9', model: 'gpt-x', created: 1 };
const USAGE: StreamEvent = { type: 'usage', usage: { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 2 } };

/** Two parallel calls whose fragments interleave (a late fragment for the first): they must not merge. */
const TOOL_EVENTS: StreamEvent[] = [
  START,
  { type: 'reasoning-delta', choice: 0, text: 'think' },
  { type: 'reasoning-delta', choice: 0, text: '', signature: 'sig' },
  { type: 'reasoning-delta', choice: 0, text: '', redacted: 'opaque' },
  { type: 'text-delta', choice: 0, text: 'Hello' },
  { type: 'text-delta', choice: 0, text: ' world' },
  { type: 'tool-call-start', choice: 0, index: 0, id: 'call_a', name: 'get_weather' },
  { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-start', choice: 0, index: 1, id: 'call_b', name: 'get_time' },
  { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '{"tz":"CET"}' },
  { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '"Paris"}' },
  { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'tool_calls' },
  USAGE,
];

const TEXT_EVENTS: StreamEvent[] = [START, { type: 'text-delta', choice: 0, text: 'Hi' }, { type: 'text-delta', choice: 0, text: ' there' }, { type: 'finish', choice: 0, reason: 'stop', providerReason: 'stop' }, USAGE];

function run(events: readonly StreamEvent[], completed = true, model?: string): string {
  const enc = new GeminiChunkEncoder({ requestId: 'req_1', ...(model !== undefined ? { model } : {}) });
  let out = events.map((e) => enc.push(e)).join('');
  out += completed ? enc.end() : enc.fail(new StreamIncompleteError('openai/gpt-x', 'no [DONE]'));
  return out;
}

/** Every event is `data: <json>` and a CRLF blank line; nothing else is on the wire. */
function chunks(sse: string): Record<string, unknown>[] {
  assert.ok(sse.endsWith('\r\n\r\n'));
  return sse
    .split('\r\n\r\n')
    .filter((e) => e !== '')
    .map((e) => {
      assert.ok(e.startsWith('data: ') && !e.includes('\n'), e);
      return JSON.parse(e.slice(6)) as Record<string, unknown>;
    });
}

function parts(c: Record<string, unknown>): unknown[] {
  const cands = c['candidates'] as { content: { parts: unknown[] } }[];
  return cands.flatMap((x) => x.content.parts);
}

test('text stream: one text part per chunk, the final chunk carries finishReason and usage, no [DONE]', () => {
  const out = run(TEXT_EVENTS, true, 'alias');
  assert.ok(!out.includes('[DONE]') && !out.includes('event:'));
  const cs = chunks(out);
  assert.deepEqual(cs.map(parts), [[{ text: 'Hi' }], [{ text: ' there' }], [{ text: '' }]]);
  assert.ok(cs.every((c) => c['modelVersion'] === 'alias' && c['responseId'] === 'chatcmpl-9'));
  assert.ok(cs.slice(0, -1).every((c) => c['usageMetadata'] === undefined));
  const last = cs.at(-1) as Record<string, unknown>;
  assert.deepEqual(last['candidates'], [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }]);
  assert.deepEqual(last['usageMetadata'], { promptTokenCount: 120, candidatesTokenCount: 7, totalTokenCount: 129, cachedContentTokenCount: 100, thoughtsTokenCount: 2 });
});

test('R5: parallel tool calls go out whole, one chunk each, never merged — the last one with the finish', () => {
  const cs = chunks(run(TOOL_EVENTS));
  assert.deepEqual(cs.map(parts), [
    [{ text: 'think', thought: true }],
    [{ text: '', thought: true, thoughtSignature: 'sig' }],
    [{ text: 'Hello' }],
    [{ text: ' world' }],
    [{ functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } }],
    [{ functionCall: { id: 'call_b', name: 'get_time', args: { tz: 'CET' } } }],
  ]);
  const last = cs.at(-1) as { candidates: { finishReason: string }[]; usageMetadata: unknown; modelVersion: string };
  assert.equal(last.candidates[0]?.finishReason, 'STOP');
  assert.ok(last.usageMetadata !== undefined);
  assert.equal(last.modelVersion, 'gpt-x');
});

test('a signature that closes no thought (Gemini’s kind) goes on the first call, or on the final part', () => {
  const sig: StreamEvent = { type: 'reasoning-delta', choice: 0, text: '', signature: 'g' };
  const calls = chunks(
    run([
      START,
      sig,
      { type: 'tool-call-start', choice: 0, index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-start', choice: 0, index: 1, id: 'b', name: 'f' },
      { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'STOP' },
    ]),
  );
  assert.deepEqual(calls.map(parts), [[{ functionCall: { id: 'a', name: 'f', args: {} }, thoughtSignature: 'g' }], [{ functionCall: { id: 'b', name: 'f', args: {} } }]]);
  const text = chunks(run([START, sig, { type: 'text-delta', choice: 0, text: 'Hi' }, { type: 'finish', choice: 0, reason: 'stop', providerReason: 'STOP' }]));
  assert.deepEqual(text.map(parts), [[{ text: 'Hi' }], [{ text: '', thoughtSignature: 'g' }]]);
  // Either way the client's next request reads it back as the same standalone block.
  const back = decodeGenerateContentRequest({ contents: [{ role: 'model', parts: calls.flatMap(parts) }] }, { model: 'm', stream: false });
  assert.deepEqual(back.messages[0], {
    role: 'assistant',
    content: [],
    toolCalls: [
      { id: 'a', name: 'f', arguments: '{}' },
      { id: 'b', name: 'f', arguments: '{}' },
    ],
    reasoning: [{ type: 'thinking', text: '', signature: 'g' }],
  });
});

test('several candidates stream by index and finish together in the last chunk', () => {
  const cs = chunks(
    run([
      START,
      { type: 'text-delta', choice: 0, text: 'A' },
      { type: 'text-delta', choice: 1, text: 'B' },
      { type: 'finish', choice: 1, reason: 'length', providerReason: 'length' },
      { type: 'finish', choice: 0, reason: 'stop', providerReason: 'stop' },
      USAGE,
    ]),
  );
  assert.equal(cs.length, 3);
  assert.deepEqual((cs.at(-1) as { candidates: unknown[] }).candidates, [
    { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 },
    { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS', index: 1 },
  ]);
});

test('R6: a cut stream, an error event, no finish, or bad tool arguments end with an error event and no final chunk', () => {
  const errorOf = (out: string): { code: number; status: string; details: { reason?: string }[] } => {
    const last = chunks(out).at(-1) as { error?: { code: number; status: string; details: { reason?: string }[] }; candidates?: unknown };
    assert.ok(last.error !== undefined && last.candidates === undefined, out);
    assert.ok(!out.includes('finishReason'), out);
    return last.error;
  };
  const cut = errorOf(run(TOOL_EVENTS.slice(0, 8), false));
  assert.equal(cut.code, 502);
  assert.equal(cut.status, 'UNAVAILABLE');
  assert.equal(cut.details[0]?.reason, 'upstream_stream_incomplete');
  const overloaded = errorOf(run([START, { type: 'text-delta', choice: 0, text: 'x' }, { type: 'error', error: new UpstreamError({ status: 529, message: 'Overloaded', retryable: true }) }]));
  assert.equal(overloaded.code, 503);
  errorOf(run([START, { type: 'text-delta', choice: 0, text: 'x' }]));
  errorOf(run([START]));
  errorOf(run([START, { type: 'text-delta', choice: 0, text: 'x' }, { type: 'text-delta', choice: 1, text: 'y' }, { type: 'finish', choice: 0, reason: 'stop', providerReason: null }]));
  errorOf(run([START, { type: 'tool-call-start', choice: 0, index: 0, id: 'c', name: 'f' }, { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '{"a":' }, { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: null }]));
  const enc = new GeminiChunkEncoder({ requestId: 'r' });
  enc.end();
  assert.equal(enc.closed, true);
  assert.equal(enc.push(START), '');
  assert.equal(enc.fail(new UpstreamError({ status: 500, message: 'x', retryable: false })), '');
});

test('an answer that finished in error is a finish reason on this wire (OTHER, or the provider’s own Gemini word)', () => {
  const reason = (providerReason: string | null): unknown => {
    const cs = chunks(run([START, { type: 'text-delta', choice: 0, text: 'x' }, { type: 'finish', choice: 0, reason: 'error', providerReason }]));
    return (cs.at(-1) as { candidates: { finishReason: string }[] }).candidates[0]?.finishReason;
  };
  assert.equal(reason('MALFORMED_FUNCTION_CALL'), 'MALFORMED_FUNCTION_CALL');
  assert.equal(reason('error'), 'OTHER');
});

async function collect(events: readonly StreamEvent[], completed = true): Promise<GenerateContentResponse[]> {
  const s = await serve(200, 'text/event-stream', () => run(events, completed, 'alias'));
  try {
    const got: GenerateContentResponse[] = [];
    for await (const c of await s.client.models.generateContentStream({ model: 'alias', contents: 'Hi' })) got.push(c);
    return got;
  } finally {
    await s.close();
  }
}

test('the SDK streams our text chunks and reads the finish reason and usage from the last', async () => {
  const got = await collect(TEXT_EVENTS);
  assert.deepEqual(got.map((c) => c.text), ['Hi', ' there', '']);
  const last = got.at(-1);
  assert.equal(last?.candidates?.[0]?.finishReason, 'STOP');
  assert.equal(last?.usageMetadata?.promptTokenCount, 120);
  assert.equal(last?.usageMetadata?.thoughtsTokenCount, 2);
  assert.equal(last?.modelVersion, 'alias');
});

test('the SDK sees each parallel call whole, with its own id and args', async () => {
  const got = await collect(TOOL_EVENTS);
  const calls = got.flatMap((c) => c.functionCalls ?? []);
  assert.deepEqual(calls, [
    { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } },
    { id: 'call_b', name: 'get_time', args: { tz: 'CET' } },
  ]);
  assert.equal(got.at(-1)?.candidates?.[0]?.finishReason, 'STOP');
});

test('R6: a failed stream makes the SDK throw, after the chunks that were sent', async () => {
  const s = await serve(200, 'text/event-stream', () => run(TEXT_EVENTS.slice(0, 3), false));
  try {
    const seen: (string | undefined)[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of await s.client.models.generateContentStream({ model: 'alias', contents: 'Hi' })) seen.push(c.text);
      })(),
      (e: unknown) => e instanceof ApiError && e.status === 502 && /upstream_stream_incomplete/.test(e.message),
    );
    assert.deepEqual(seen, ['Hi', ' there']);
  } finally {
    await s.close();
  }
});

test('a streamed turn kept by the SDK chat is valid history (every chunk has parts) and decodes back as one turn', async () => {
  const s = await serve(200, 'text/event-stream', () => run(TOOL_EVENTS, true, 'alias'));
  try {
    const chat = s.client.chats.create({ model: 'alias' });
    for await (const chunk of await chat.sendMessageStream({ message: 'Weather?' })) void chunk;
    // Curated history drops a turn with an invalid chunk: all six chunks are there.
    const history = chat.getHistory(true);
    assert.equal(history.length, 1 + 6);
    const back = decodeGenerateContentRequest(
      {
        contents: [
          ...history,
          {
            role: 'user',
            parts: [
              { functionResponse: { id: 'call_a', name: 'get_weather', response: { output: 'sunny' } } },
              { functionResponse: { id: 'call_b', name: 'get_time', response: { output: '12:00' } } },
            ],
          },
        ],
      },
      { model: 'alias', stream: true },
    );
    assert.deepEqual(back.messages.slice(1), [
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Hello world' }],
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_time', arguments: '{"tz":"CET"}' },
        ],
        reasoning: [{ type: 'thinking', text: 'think', signature: 'sig' }],
      },
      { role: 'tool', toolCallId: 'call_a', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'tool', toolCallId: 'call_b', content: [{ type: 'text', text: '12:00' }] },
    ]);
  } finally {
    await s.close();
  }
});
