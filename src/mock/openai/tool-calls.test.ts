import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { postJson, sseData } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';

type Completion = OpenAI.Chat.Completions.ChatCompletion;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

let mock: RunningMock;
let chatUrl: string;

before(async () => {
  mock = await startMock({ port: 0 });
  chatUrl = `${mock.url}/v1/chat/completions`;
});
after(() => mock.close());

const WITH_TOOLS = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'weather?' }],
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
  ],
};

test('answers N parallel tool calls with unique ids, cycling tool names, finish_reason tool_calls', async () => {
  const res = await postJson(chatUrl, WITH_TOOLS, { 'x-mock-tool-calls': '3' });
  const body = parse<Completion>(res.text);
  const choice = body.choices[0];
  assert.equal(choice?.finish_reason, 'tool_calls');
  assert.equal(choice?.message.content, null);
  const calls = choice?.message.tool_calls ?? [];
  assert.equal(calls.length, 3);
  assert.equal(new Set(calls.map((c) => c.id)).size, 3);
  const fns = calls.map((c) => (c.type === 'function' ? c.function : undefined));
  assert.deepEqual(fns.map((f) => f?.name), ['get_weather', 'get_time', 'get_weather']);
  for (const [i, f] of fns.entries()) assert.deepEqual(JSON.parse(f?.arguments ?? ''), { input: `value ${i}`, n: i });
  for (const c of calls) assert.match(c.id, /^call_/);
  // 5 tokens per call: the header fragment and 4 argument fragments.
  assert.equal(body.usage?.completion_tokens, 15);
});

test('R5: streams parallel tool calls interleaved by index, first fragment with id and name', async () => {
  const res = await postJson(chatUrl, { ...WITH_TOOLS, stream: true }, { 'x-mock-tool-calls': '2' });
  const frames = sseData(res.text);
  assert.equal(frames.at(-1), '[DONE]');
  const chunks = frames.slice(0, -1).map((f) => parse<Chunk>(f));
  assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
  const fragments = chunks.slice(1, -1).map((c) => {
    const tc = c.choices[0]?.delta.tool_calls;
    assert.equal(tc?.length, 1, 'one fragment per chunk');
    return tc?.[0];
  });
  const order = fragments.map((f) => f?.index);
  assert.deepEqual(order, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'calls interleave');

  const seen = new Set<number>();
  const args = new Map<number, string>();
  const ids = new Map<number, string>();
  for (const f of fragments) {
    assert.ok(f);
    if (!seen.has(f.index)) {
      seen.add(f.index);
      // First fragment: index, id, type, function.name, arguments "".
      assert.deepEqual(Object.keys(f).sort(), ['function', 'id', 'index', 'type']);
      assert.equal(f.type, 'function');
      assert.equal(f.function?.arguments, '');
      assert.equal(typeof f.function?.name, 'string');
      ids.set(f.index, f.id ?? '');
    } else {
      // Later fragments: only index + an arguments substring.
      assert.deepEqual(Object.keys(f).sort(), ['function', 'index']);
      assert.deepEqual(Object.keys(f.function ?? {}), ['arguments']);
    }
    args.set(f.index, (args.get(f.index) ?? '') + (f.function?.arguments ?? ''));
  }
  assert.deepEqual(JSON.parse(args.get(0) ?? ''), { input: 'value 0', n: 0 });
  assert.deepEqual(JSON.parse(args.get(1) ?? ''), { input: 'value 1', n: 1 });
  assert.notEqual(ids.get(0), ids.get(1));
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
});

test('the streamed and non-streamed tool calls agree once merged by index', async () => {
  const whole = parse<Completion>((await postJson(chatUrl, WITH_TOOLS, { 'x-mock-tool-calls': '2' })).text);
  const streamed = sseData((await postJson(chatUrl, { ...WITH_TOOLS, stream: true }, { 'x-mock-tool-calls': '2' })).text);
  const merged: { name: string; arguments: string }[] = [];
  for (const f of streamed.slice(0, -1)) {
    for (const tc of parse<Chunk>(f).choices[0]?.delta.tool_calls ?? []) {
      const slot = (merged[tc.index] ??= { name: '', arguments: '' });
      slot.name += tc.function?.name ?? '';
      slot.arguments += tc.function?.arguments ?? '';
    }
  }
  const expected = (whole.choices[0]?.message.tool_calls ?? []).map((c) =>
    c.type === 'function' ? { name: c.function.name, arguments: c.function.arguments } : undefined,
  );
  assert.deepEqual(merged, expected);
});

test('ignores x-mock-tool-calls when the request offers no tools', async () => {
  const res = await postJson(chatUrl, { model: 'm', messages: [{ role: 'user', content: 'x' }] }, { 'x-mock-tool-calls': '2' });
  const choice = parse<Completion>(res.text).choices[0];
  assert.equal(choice?.finish_reason, 'stop');
  assert.equal(choice?.message.tool_calls, undefined);
});

test('truncates tool calls at max_tokens with finish_reason length', async () => {
  const res = await postJson(chatUrl, { ...WITH_TOOLS, max_tokens: 3 }, { 'x-mock-tool-calls': '2' });
  const body = parse<Completion>(res.text);
  assert.equal(body.choices[0]?.finish_reason, 'length');
  const calls = body.choices[0]?.message.tool_calls ?? [];
  assert.equal(calls.length, 2);
  const first = calls[0];
  assert.equal(first?.type === 'function' ? first.function.arguments : undefined, '{"input":');
  assert.equal(body.usage?.completion_tokens, 3);
});
