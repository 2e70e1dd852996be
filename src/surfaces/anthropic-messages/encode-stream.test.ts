import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { StreamIncompleteError, UpstreamError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import { AnthropicMessageEncoder } from './encode-stream.js';
import { PARAMS, serve } from './test-sdk-server.js';

const START: StreamEvent = { type: 'start', id: 'chatcmpl-9', model: 'gpt-x', created: 1 };
const USAGE: StreamEvent = { type: 'usage', usage: { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 } };

/** Two parallel calls whose fragments interleave (after the first is closed): they must not merge. */
const TOOL_EVENTS: StreamEvent[] = [
  START,
  { type: 'reasoning-delta', choice: 0, text: 'think' },
  { type: 'reasoning-delta', choice: 0, text: '', signature: 'sig' },
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

function run(events: readonly StreamEvent[], completed = true): string {
  const enc = new AnthropicMessageEncoder({ requestId: 'req_1' });
  let out = events.map((e) => enc.push(e)).join('');
  out += completed ? enc.end() : enc.fail(new StreamIncompleteError('openai/gpt-x', 'no [DONE]'));
  return out;
}

function eventNames(sse: string): string[] {
  return [...sse.matchAll(/^event: (.+)$/gm)].map((m) => m[1] ?? '');
}

test('frame sequence: message_start, one block per part, message_delta, message_stop', () => {
  const out = run(TOOL_EVENTS);
  assert.deepEqual(eventNames(out), [
    'message_start',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', // thinking + signature
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', // text
    'content_block_start', 'content_block_delta', 'content_block_stop', // call_a
    'content_block_start', 'content_block_delta', 'content_block_delta', // call_b, then a late call_a fragment
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  for (const block of out.split('\n\n').filter(Boolean)) {
    const [ev, data] = block.split('\n');
    assert.equal(JSON.parse((data ?? '').slice(6)).type, (ev ?? '').slice(7));
  }
  const delta = out.split('\n\n').find((b) => b.startsWith('event: message_delta')) ?? '';
  assert.deepEqual(JSON.parse(delta.split('\n')[1]?.slice(6) ?? '{}'), {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 9 },
  });
});

test('the SDK stream reads the final message: thinking, text, two tool_use blocks with distinct ids, stop_reason, usage', async () => {
  const s = await serve(200, 'text/event-stream', () => run(TOOL_EVENTS));
  try {
    const seen: string[] = [];
    const stream = s.client.messages.stream(PARAMS);
    stream.on('text', (t) => seen.push(t));
    const m = await stream.finalMessage();
    assert.equal(m.id, 'chatcmpl-9');
    assert.deepEqual(seen, ['Hello', ' world']);
    assert.deepEqual(m.content.map((b) => b.type), ['thinking', 'text', 'tool_use', 'tool_use']);
    const thinking = m.content[0] as Anthropic.ThinkingBlock;
    assert.equal(thinking.thinking, 'think');
    assert.equal(thinking.signature, 'sig');
    assert.equal((m.content[1] as Anthropic.TextBlock).text, 'Hello world');
    const tools = m.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual(tools.map((t) => [t.id, t.name, t.input]), [
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_time', { tz: 'CET' }],
    ]);
    assert.equal(m.stop_reason, 'tool_use');
    assert.equal(m.usage.output_tokens, 9);
    assert.equal(m.usage.input_tokens, 20);
    assert.equal(m.usage.cache_read_input_tokens, 100);
  } finally {
    await s.close();
  }
});

test('a plain text stream through the SDK create({stream:true}) ends with end_turn', async () => {
  const events: StreamEvent[] = [START, { type: 'text-delta', choice: 0, text: 'Hi!' }, { type: 'finish', choice: 0, reason: 'stop', providerReason: 'stop' }, USAGE];
  const s = await serve(200, 'text/event-stream', () => run(events));
  try {
    const types: string[] = [];
    const stream = await s.client.messages.create({ ...PARAMS, stream: true });
    for await (const ev of stream) types.push(ev.type);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    const m = await s.client.messages.stream(PARAMS).finalMessage();
    assert.equal(m.stop_reason, 'end_turn');
    assert.deepEqual(m.content.map((b) => (b.type === 'text' ? b.text : b.type)), ['Hi!']);
  } finally {
    await s.close();
  }
});

test('a cut stream ends with event: error and no message_stop; the SDK raises it', async () => {
  const cut = run(TOOL_EVENTS.slice(0, 7), false);
  assert.ok(cut.endsWith('\n\n'));
  assert.ok(!cut.includes('message_stop'));
  const last = cut.split('\n\n').filter(Boolean).at(-1) ?? '';
  assert.ok(last.startsWith('event: error\n'));
  const body = JSON.parse(last.split('\n')[1]?.slice(6) ?? '{}') as { type: string; error: { type: string; code: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'api_error');
  assert.equal(body.error.code, 'upstream_stream_incomplete');
  const s = await serve(200, 'text/event-stream', () => cut);
  try {
    await assert.rejects(s.client.messages.stream(PARAMS).finalMessage(), (e: unknown) => e instanceof Error && /upstream_stream_incomplete|ended the stream/.test(String(e)));
  } finally {
    await s.close();
  }
});

test('error event, finish error, and end() without a finish all fail the stream without message_stop', () => {
  const err = new UpstreamError({ status: 529, message: 'Overloaded', upstreamCode: 'overloaded_error', retryable: true });
  const a = run([START, { type: 'text-delta', choice: 0, text: 'x' }, { type: 'error', error: err }]);
  assert.ok(!a.includes('message_stop'));
  assert.match(a, /event: error\ndata: \{"type":"error","error":\{.*"type":"overloaded_error"/);
  const b = run([START, { type: 'finish', choice: 0, reason: 'error', providerReason: 'malformed' }]);
  assert.deepEqual(eventNames(b), ['error']);
  const c = run([START, { type: 'text-delta', choice: 0, text: 'x' }]);
  assert.ok(c.includes('event: error') && !c.includes('message_stop'));
  const enc = new AnthropicMessageEncoder({ requestId: 'r' });
  enc.end();
  assert.equal(enc.closed, true);
  assert.equal(enc.push(START), '');
});
