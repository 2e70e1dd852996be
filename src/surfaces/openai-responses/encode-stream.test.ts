import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamIncompleteError, UpstreamError } from '../../core/errors.js';
import { specMissingReason, validateAgainst } from '../../../test/helpers/openapi.js';
import { decodeResponsesRequest } from './decode.js';
import { ResponsesStreamEncoder } from './encode-stream.js';
import { events, run, START, TEXT_EVENTS, TOOL_EVENTS, USAGE, type Ev } from './test-stream-fixtures.js';

function last(raw: string): Ev {
  const all = events(raw);
  const ev = all.at(-1);
  assert.ok(ev);
  return ev;
}

test('text: created, in_progress, a reasoning item, a message item with its part, then completed; sequence numbers count from 0', () => {
  const evs = events(run(TEXT_EVENTS, true, { model: 'my-alias' }));
  assert.deepEqual(evs.map((e) => e.type), [
    'response.created',
    'response.in_progress',
    'response.output_item.added', // reasoning
    'response.reasoning_summary_part.added',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.done',
    'response.reasoning_summary_part.done',
    'response.output_item.done',
    'response.output_item.added', // message
    'response.content_part.added',
    'response.output_text.delta',
    'response.output_text.delta',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  assert.deepEqual(evs.map((e) => e.sequence_number), evs.map((_, i) => i));
  const done = evs.find((e) => e.type === 'response.output_text.done');
  assert.equal(done?.['text'], 'Hello world');
  const rs = evs.filter((e) => e.type === 'response.output_item.done')[0]?.['item'];
  assert.deepEqual(rs, { type: 'reasoning', id: 'rs_msg_01_0', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'tollgate.v1.signature:sig1', status: 'completed' });
  const response = evs.at(-1)?.['response'] as Record<string, unknown>;
  assert.equal(response['id'], 'resp_msg_01');
  assert.equal(response['model'], 'my-alias');
  assert.equal(response['status'], 'completed');
  assert.equal(response['created_at'], 1_760_000_000);
  assert.deepEqual(response['usage'], {
    input_tokens: 110,
    input_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 },
    output_tokens: 9,
    output_tokens_details: { reasoning_tokens: 4 },
    total_tokens: 119,
  });
  assert.deepEqual((response['output'] as { type: string; status: string }[]).map((i) => [i.type, i.status]), [['reasoning', 'completed'], ['message', 'completed']]);
});

test('start alone writes nothing (a failure before output can still fall back); the first output opens the response', () => {
  const enc = new ResponsesStreamEncoder({ requestId: 'req_1' });
  assert.equal(enc.push(START), '');
  assert.equal(enc.push(USAGE), '');
  assert.match(enc.push({ type: 'text-delta', choice: 0, text: 'x' }), /^event: response.created\n/);
});

test('R5: parallel calls are their own function_call items; interleaved fragments go to their own item', () => {
  const evs = events(run(TOOL_EVENTS));
  const added = evs.filter((e) => e.type === 'response.output_item.added').map((e) => e['item'] as Record<string, unknown>);
  assert.deepEqual(added.map((i) => [i['type'], i['id'], i['call_id'] ?? null]), [
    ['message', 'msg_msg_01_0', null],
    ['function_call', 'fc_msg_01_1', 'toolu_a'],
    ['function_call', 'fc_msg_01_2', 'toolu_b'],
  ]);
  const deltas = evs.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => [e['output_index'], e['item_id'], e['delta']]);
  assert.deepEqual(deltas, [
    [2, 'fc_msg_01_2', '{"tz":'],
    [1, 'fc_msg_01_1', '{"city":"Paris"}'],
    [2, 'fc_msg_01_2', '"CET"}'],
  ]);
  const argsDone = evs.filter((e) => e.type === 'response.function_call_arguments.done').map((e) => [e['name'], e['arguments']]);
  assert.deepEqual(argsDone, [
    ['get_weather', '{"city":"Paris"}'],
    ['get_time', '{"tz":"CET"}'],
  ]);
  // The message closes before the first call opens, as OpenAI streams do.
  const types = evs.map((e) => e.type);
  assert.ok(types.indexOf('response.content_part.done') < types.indexOf('response.function_call_arguments.delta'));
  const output = (evs.at(-1)?.['response'] as { output: Record<string, unknown>[] }).output;
  assert.deepEqual(output.slice(1).map((i) => [i['call_id'], i['arguments'], i['status']]), [
    ['toolu_a', '{"city":"Paris"}', 'completed'],
    ['toolu_b', '{"tz":"CET"}', 'completed'],
  ]);
});

test('length ends with response.incomplete (reason max_output_tokens) and an incomplete message', () => {
  const ev = last(run([START, { type: 'text-delta', choice: 0, text: 'Hel' }, { type: 'finish', choice: 0, reason: 'length', providerReason: 'max_tokens' }, USAGE]));
  assert.equal(ev.type, 'response.incomplete');
  const r = ev['response'] as { status: string; incomplete_details: unknown; output: { status: string }[] };
  assert.equal(r.status, 'incomplete');
  assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
  assert.equal(r.output[0]?.status, 'incomplete');
});

test('redacted reasoning and a lone signature (Gemini) become reasoning items carrying encrypted_content', () => {
  const evs = events(
    run([
      START,
      { type: 'reasoning-delta', choice: 0, text: '', redacted: 'opaque' },
      { type: 'tool-call-start', choice: 0, index: 0, id: 'c1', name: 'f' },
      { type: 'reasoning-delta', choice: 0, text: '', signature: 'gsig' },
      { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'STOP' },
    ]),
  );
  const output = (evs.at(-1)?.['response'] as { output: Record<string, unknown>[] }).output;
  assert.deepEqual(output.map((i) => [i['type'], i['encrypted_content'] ?? null]), [
    ['reasoning', 'tollgate.v1.redacted:opaque'],
    ['function_call', null],
    ['reasoning', 'tollgate.v1.signature:gsig'],
  ]);
  assert.equal(evs.some((e) => e.type.startsWith('response.reasoning_summary')), false);
});

test('R6: an error event ends the stream with response.failed and an error event; nothing is written after them', () => {
  const enc = new ResponsesStreamEncoder({ requestId: 'req_9' });
  let raw = enc.push(START) + enc.push({ type: 'text-delta', choice: 0, text: 'Hel' });
  raw += enc.push({ type: 'error', error: new UpstreamError({ status: 529, message: 'Anthropic error mid-stream: Overloaded', upstreamCode: 'overloaded_error', retryable: true }) });
  assert.equal(enc.closed, true);
  assert.equal(enc.push({ type: 'text-delta', choice: 0, text: 'lo' }) + enc.end() + enc.fail(new StreamIncompleteError('x', 'y')), '');
  const evs = events(raw);
  assert.deepEqual(evs.slice(-2).map((e) => e.type), ['response.failed', 'error']);
  assert.equal(evs.some((e) => e.type === 'response.completed' || e.type === 'response.incomplete'), false);
  const failed = evs.at(-2)?.['response'] as { status: string; error: unknown; output: { status: string; content: unknown }[] };
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error, { code: 'server_error', message: 'Anthropic error mid-stream: Overloaded' });
  assert.equal(failed.output[0]?.status, 'incomplete');
  const err = evs.at(-1) as Ev & { error: Record<string, unknown> };
  assert.equal(err['code'], 'upstream_error');
  assert.match(String(err['message']), /Overloaded/);
  assert.equal(err.error['upstream_status'], 529);
  assert.equal(err.error['request_id'], 'req_9');
  assert.deepEqual(evs.map((e) => e.sequence_number), evs.map((_, i) => i));
});

test('R6: a cut stream, a stream without a finish reason, and a finish of kind error all end failed', () => {
  const cut = events(run(TEXT_EVENTS.slice(0, 5), false));
  assert.deepEqual(cut.slice(-2).map((e) => e.type), ['response.failed', 'error']);
  assert.equal(cut.at(-1)?.['code'], 'upstream_stream_incomplete');
  const noFinish = events(run(TEXT_EVENTS.slice(0, 5)));
  assert.match(String(noFinish.at(-1)?.['message']), /without a finish reason/);
  const errorFinish = events(run([START, { type: 'text-delta', choice: 0, text: 'x' }, { type: 'finish', choice: 0, reason: 'error', providerReason: 'MALFORMED_FUNCTION_CALL' }]));
  assert.match(String(errorFinish.at(-1)?.['message']), /MALFORMED_FUNCTION_CALL/);
  for (const evs of [cut, noFinish, errorFinish]) assert.equal(evs.some((e) => e.type === 'response.completed'), false);
});

test('a failure before any output is one error event (no response was begun)', () => {
  const evs = events(run([START], false));
  assert.deepEqual(evs.map((e) => [e.type, e.sequence_number]), [['error', 0]]);
});

test('an empty answer still has an (empty) message item, as a non-streamed Response does', () => {
  const r = last(run([START, { type: 'finish', choice: 0, reason: 'stop', providerReason: 'stop' }]))['response'] as { output: { type: string; content: unknown }[] };
  assert.deepEqual(r.output.map((i) => [i.type, i.content]), [['message', [{ type: 'output_text', text: '', annotations: [], logprobs: [] }]]]);
});

const SCHEMA: Readonly<Record<string, string>> = {
  'response.created': 'ResponseCreatedEvent',
  'response.in_progress': 'ResponseInProgressEvent',
  'response.completed': 'ResponseCompletedEvent',
  'response.incomplete': 'ResponseIncompleteEvent',
  'response.failed': 'ResponseFailedEvent',
  error: 'ResponseErrorEvent',
  'response.output_item.added': 'ResponseOutputItemAddedEvent',
  'response.output_item.done': 'ResponseOutputItemDoneEvent',
  'response.content_part.added': 'ResponseContentPartAddedEvent',
  'response.content_part.done': 'ResponseContentPartDoneEvent',
  'response.output_text.delta': 'ResponseTextDeltaEvent',
  'response.output_text.done': 'ResponseTextDoneEvent',
  'response.function_call_arguments.delta': 'ResponseFunctionCallArgumentsDeltaEvent',
  'response.function_call_arguments.done': 'ResponseFunctionCallArgumentsDoneEvent',
  'response.reasoning_summary_part.added': 'ResponseReasoningSummaryPartAddedEvent',
  'response.reasoning_summary_part.done': 'ResponseReasoningSummaryPartDoneEvent',
  'response.reasoning_summary_text.delta': 'ResponseReasoningSummaryTextDeltaEvent',
  'response.reasoning_summary_text.done': 'ResponseReasoningSummaryTextDoneEvent',
};

test('every event validates against its schema in the OpenAI spec, and against ResponseStreamEvent', (t) => {
  const skip = specMissingReason();
  if (skip) return t.skip(skip);
  const request = decodeResponsesRequest({ model: 'm', input: 'x', instructions: 'I', tools: [{ type: 'function', name: 'get_weather', parameters: {} }], max_output_tokens: 50 });
  const streams = [
    run(TEXT_EVENTS, true, { request }),
    run(TOOL_EVENTS),
    run(TEXT_EVENTS.slice(0, 5), false),
    run([START], false),
    run([START, { type: 'reasoning-delta', choice: 0, text: '', redacted: 'r' }, { type: 'text-delta', choice: 0, text: 'a' }, { type: 'finish', choice: 0, reason: 'content_filter', providerReason: 'refusal' }, USAGE]),
  ];
  const seen = new Set<string>();
  for (const raw of streams) {
    for (const ev of events(raw)) {
      const schema = SCHEMA[ev.type];
      assert.ok(schema, `no schema known for ${ev.type}`);
      seen.add(ev.type);
      assert.deepEqual(validateAgainst(schema, ev), [], `${ev.type}: ${JSON.stringify(ev)}`);
      assert.deepEqual(validateAgainst('ResponseStreamEvent', ev), [], `${ev.type} as ResponseStreamEvent`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(SCHEMA).sort(), 'every event type the encoder writes was checked');
});
