// The official openai SDK (v6) as the reader of what the stream encoder writes: its ResponseStream
// rebuilds the Response from the events and checks every output_index and content_index on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError } from '../../core/errors.js';
import { serve, type Served } from './test-sdk-server.js';
import { run, START, TEXT_EVENTS, TOOL_EVENTS } from './test-stream-fixtures.js';

let body = '';
let s: Served;
before(async () => {
  s = await serve(200, 'text/event-stream', () => body);
});
after(() => s.close());

function stream(raw: string) {
  body = raw;
  return s.client.responses.stream({ model: 'my-alias', input: 'Hi' });
}

test('responses.stream() assembles text, reasoning summary and usage', async () => {
  const r = await stream(run(TEXT_EVENTS, true, { model: 'my-alias' })).finalResponse();
  assert.equal(r.status, 'completed');
  assert.equal(r.model, 'my-alias');
  assert.equal(r.output_text, 'Hello world');
  const rs = r.output[0];
  assert.equal(rs?.type, 'reasoning');
  assert.deepEqual(rs?.type === 'reasoning' ? [rs.summary, rs.encrypted_content] : [], [[{ type: 'summary_text', text: 'thinking' }], 'tollgate.v1.signature:sig1']);
  assert.equal(r.usage?.input_tokens_details.cached_tokens, 100);
  assert.equal(r.usage?.total_tokens, 119);
});

test('responses.stream() keeps parallel calls apart and emits their argument snapshots per call (R5)', async () => {
  const st = stream(run(TOOL_EVENTS));
  const snapshots: [string, string][] = [];
  st.on('response.function_call_arguments.delta', (e) => snapshots.push([e.item_id, e.snapshot]));
  const r = await st.finalResponse();
  const calls = r.output.flatMap((i) => (i.type === 'function_call' ? [[i.call_id, i.name, JSON.parse(i.arguments) as unknown]] : []));
  assert.deepEqual(calls, [
    ['toolu_a', 'get_weather', { city: 'Paris' }],
    ['toolu_b', 'get_time', { tz: 'CET' }],
  ]);
  assert.deepEqual(snapshots, [
    ['fc_msg_01_2', '{"tz":'],
    ['fc_msg_01_1', '{"city":"Paris"}'],
    ['fc_msg_01_2', '{"tz":"CET"}'],
  ]);
  assert.equal(r.output_text, 'Checking');
});

test('create({stream: true}) yields the events in order and ends with response.completed', async () => {
  body = run(TEXT_EVENTS);
  const events = await s.client.responses.create({ model: 'm', input: 'Hi', stream: true });
  const types: string[] = [];
  for await (const e of events) types.push(e.type);
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  assert.equal(types.filter((t) => t === 'response.output_text.delta').length, 2);
});

test('a stream that is cut throws in the SDK instead of returning the partial response (R6)', async () => {
  await assert.rejects(stream(run(TEXT_EVENTS.slice(0, 5), false)).finalResponse(), /ended the stream before it was complete/);
  body = run(TOOL_EVENTS.slice(0, 4), false);
  const events = await s.client.responses.create({ model: 'm', input: 'Hi', stream: true });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of events) seen.push(e.type);
    })(),
    (e: unknown) => (e as { code?: string }).code === 'upstream_stream_incomplete',
  );
  assert.equal(seen.at(-1), 'response.failed');
});

test('an upstream error before any output throws in the SDK with the upstream message (R6)', async () => {
  const raw = run([START, { type: 'error', error: new UpstreamError({ status: 429, message: 'Rate limited upstream', upstreamCode: 'rate_limit_error', retryable: true }) }]);
  await assert.rejects(stream(raw).finalResponse(), /Rate limited upstream/);
});
