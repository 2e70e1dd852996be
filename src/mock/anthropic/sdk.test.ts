// The official @anthropic-ai/sdk as the client of the simulator's /v1/messages: if the SDK reads our
// JSON, our SSE, and our errors, the simulator speaks Anthropic's wire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startMock, type RunningMock } from '../server.js';

let mock: RunningMock;
let client: Anthropic;
before(async () => {
  mock = await startMock({ port: 0, requireKey: 'sk-ant-test' });
  client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-test', maxRetries: 0 });
});
after(() => mock.close());

const BASE = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user' as const, content: 'Hi' }] };
const TOOLS: Anthropic.Tool[] = [
  { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
  { name: 'get_time', input_schema: { type: 'object', properties: {} } },
];

test('messages.create reads a message with usage', async () => {
  const msg = await client.messages.create({ ...BASE, system: 'Be brief.' });
  assert.equal(msg.type, 'message');
  assert.equal(msg.stop_reason, 'end_turn');
  const first = msg.content[0];
  assert.equal(first?.type, 'text');
  assert.ok(first?.type === 'text' && first.text.startsWith('Simulated answer from claude-sonnet-4-5:'));
  assert.equal(msg.usage.output_tokens, 12);
});

test('messages.stream assembles the same text, and the final usage', async () => {
  const whole = await client.messages.create(BASE);
  const stream = client.messages.stream(BASE);
  let text = '';
  stream.on('text', (t) => (text += t));
  const final = await stream.finalMessage();
  assert.equal(text, whole.content[0]?.type === 'text' ? whole.content[0].text : undefined);
  assert.equal(final.usage.output_tokens, 12);
  assert.equal(final.usage.input_tokens, whole.usage.input_tokens);
  assert.equal(final.stop_reason, 'end_turn');
});

test('parallel tool_use blocks stream into distinct calls with parsed input, after a thinking block', async () => {
  const stream = client.messages.stream({ ...BASE, tools: TOOLS }, { headers: { 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '5' } });
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  assert.deepEqual(final.content.map((b) => b.type), ['thinking', 'tool_use', 'tool_use']);
  const calls = final.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
  assert.deepEqual(calls.map((c) => [c.name, c.input]), [
    ['get_weather', { input: 'value 0', n: 0 }],
    ['get_time', { input: 'value 1', n: 1 }],
  ]);
  assert.notEqual(calls[0]?.id, calls[1]?.id);
  const thinking = final.content[0];
  assert.ok(thinking?.type === 'thinking' && thinking.signature.length > 0);
  assert.equal(final.usage.output_tokens_details?.thinking_tokens, 5);
});

test('cache reads and writes come through beside input_tokens', async () => {
  const msg = await client.messages.create(BASE, { headers: { 'x-mock-cached-tokens': '2', 'x-mock-cache-write-tokens': '1' } });
  assert.equal(msg.usage.cache_read_input_tokens, 2);
  assert.equal(msg.usage.cache_creation_input_tokens, 1);
  assert.equal(msg.usage.input_tokens + (msg.usage.cache_read_input_tokens ?? 0) + (msg.usage.cache_creation_input_tokens ?? 0), 4);
});

test('a 529 is an APIError with status 529 and type overloaded_error', async () => {
  await assert.rejects(client.messages.create(BASE, { headers: { 'x-mock-status': '529' } }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 529);
    assert.equal((err.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
    return true;
  });
});

test('a mid-stream `event: error` makes the SDK throw, after the text it had', async () => {
  const stream = client.messages.stream(BASE, { headers: { 'x-mock-error-after': '3' } });
  let text = '';
  stream.on('text', (t) => (text += t));
  await assert.rejects(stream.finalMessage(), (err: unknown) => {
    assert.ok(err instanceof Anthropic.APIError);
    assert.match(String(err.message), /Overloaded/);
    return true;
  });
  assert.equal(text, 'Simulated answer from');
});

test('a wrong key is an AuthenticationError', async () => {
  const other = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-wrong', maxRetries: 0 });
  await assert.rejects(other.messages.create(BASE), Anthropic.AuthenticationError);
});
