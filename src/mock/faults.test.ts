import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { postJson, sseData } from './raw-http.js';
import { startMock, type RunningMock } from './server.js';

type Completion = OpenAI.Chat.Completions.ChatCompletion;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

let mock: RunningMock;
let chatUrl: string;
const HELLO = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };
const STREAM = { ...HELLO, stream: true };

before(async () => {
  mock = await startMock({ port: 0 });
  chatUrl = `${mock.url}/v1/chat/completions`;
});
after(() => mock.close());

/** Content deltas (not role, not finish) among the parsed chunks of a raw stream. */
function contentChunks(frames: string[]): Chunk[] {
  return frames
    .filter((f) => f !== '[DONE]' && !f.startsWith('{"error"'))
    .map((f) => parse<Chunk>(f))
    .filter((c) => c.choices[0]?.delta.content !== undefined && c.choices[0]?.delta.role === undefined);
}

test('x-mock-status 429 answers rate_limit_exceeded with retry-after and retry-after-ms copied', async () => {
  const res = await postJson(chatUrl, HELLO, {
    'x-mock-status': '429',
    'x-mock-retry-after': '7',
    'x-mock-retry-after-ms': '6500',
  });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '7');
  assert.equal(res.headers.get('retry-after-ms'), '6500');
  const err = parse<ErrorBody>(res.text).error;
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.param, null);
  assert.equal(typeof err.message, 'string');
});

test('x-mock-retry-after passes an HTTP date through unchanged', async () => {
  const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
  const res = await postJson(chatUrl, HELLO, { 'x-mock-status': '503', 'x-mock-retry-after': date });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), date);
  assert.equal(parse<ErrorBody>(res.text).error.type, 'server_error');
});

test('a scripted status on a stream request is a JSON error, not a stream', async () => {
  const res = await postJson(chatUrl, STREAM, { 'x-mock-status': '500' });
  assert.equal(res.status, 500);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(parse<ErrorBody>(res.text).error.type, 'server_error');
});

test('scripted statuses apply to embeddings too', async () => {
  const res = await postJson(`${mock.url}/v1/embeddings`, { model: 'e', input: 'x' }, { 'x-mock-status': '429' });
  assert.equal(res.status, 429);
});

test('R6: x-mock-cut-after N sends N content chunks then drops the connection: no finish, no [DONE]', async () => {
  for (const paced of [false, true]) {
    const headers: Record<string, string> = { 'x-mock-cut-after': '3' };
    if (paced) headers['x-mock-chunk-delay-ms'] = '2';
    const res = await postJson(chatUrl, STREAM, headers);
    assert.equal(res.status, 200);
    assert.equal(res.aborted, true, 'the body ends abruptly');
    const frames = sseData(res.text);
    assert.equal(frames.includes('[DONE]'), false);
    assert.equal(contentChunks(frames).length, 3);
    for (const f of frames) assert.equal(parse<Chunk>(f).choices[0]?.finish_reason ?? null, null);
  }
});

test('x-mock-cut-after beyond the last token still cuts before the finish chunk', async () => {
  const res = await postJson(chatUrl, STREAM, { 'x-mock-cut-after': '1000', 'x-mock-output-tokens': '4' });
  assert.equal(res.aborted, true);
  const frames = sseData(res.text);
  assert.equal(contentChunks(frames).length, 4);
  assert.equal(frames.includes('[DONE]'), false);
});

test('x-mock-error-after N sends N content chunks, an error frame, and ends cleanly without [DONE]', async () => {
  const res = await postJson(chatUrl, { ...STREAM, stream_options: { include_usage: true } }, { 'x-mock-error-after': '2' });
  assert.equal(res.status, 200);
  assert.equal(res.aborted, false);
  const frames = sseData(res.text);
  assert.equal(frames.includes('[DONE]'), false);
  const last = parse<ErrorBody>(frames.at(-1) ?? '');
  assert.equal(last.error.type, 'server_error');
  assert.equal(contentChunks(frames).length, 2);
});

test('x-mock-chunk-delay-ms paces the stream', async () => {
  const started = Date.now();
  const res = await postJson(chatUrl, STREAM, { 'x-mock-chunk-delay-ms': '10', 'x-mock-output-tokens': '5' });
  const elapsed = Date.now() - started;
  assert.equal(sseData(res.text).at(-1), '[DONE]');
  // 1 role + 5 content + finish + [DONE] = 8 frames, 7 gaps of 10 ms (loosely: timers may fire early by a ms).
  assert.ok(elapsed >= 60, `took ${elapsed} ms`);
});

test('x-mock-latency-ms delays the answer, fixed or within a range', async () => {
  let started = Date.now();
  await postJson(chatUrl, HELLO, { 'x-mock-latency-ms': '60' });
  assert.ok(Date.now() - started >= 55);
  started = Date.now();
  await postJson(chatUrl, HELLO, { 'x-mock-latency-ms': '40-80' });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 35, `took ${elapsed} ms`);
  assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
});

test('token faults shape the usage: output, cached (clamped to the prompt), reasoning inside completion', async () => {
  const res = await postJson(chatUrl, HELLO, {
    'x-mock-output-tokens': '3',
    'x-mock-cached-tokens': '4',
    'x-mock-reasoning-tokens': '5',
  });
  const body = parse<Completion>(res.text);
  assert.equal(body.choices[0]?.message.content, 'Simulated answer from');
  assert.equal(body.usage?.prompt_tokens, 6);
  assert.equal(body.usage?.prompt_tokens_details?.cached_tokens, 4);
  assert.equal(body.usage?.completion_tokens, 8);
  assert.equal(body.usage?.completion_tokens_details?.reasoning_tokens, 5);
  assert.equal(body.usage?.total_tokens, 14);

  const clamped = parse<Completion>((await postJson(chatUrl, HELLO, { 'x-mock-cached-tokens': '999' })).text);
  assert.equal(clamped.usage?.prompt_tokens_details?.cached_tokens, 6);
});

test('x-mock-echo answers with the exact raw body, as one delta when streamed', async () => {
  const raw = '{"model":"m",  "messages":[{"role":"user","content":"héllo \\u00e9"}]}';
  const res = await postJson(chatUrl, raw, { 'x-mock-echo': '1' });
  assert.equal(parse<Completion>(res.text).choices[0]?.message.content, raw);

  const rawStream = '{"stream":true,"model":"m","messages":[{"role":"user","content":"x"}]}';
  const streamed = sseData((await postJson(chatUrl, rawStream, { 'x-mock-echo': '1' })).text);
  const content = contentChunks(streamed);
  assert.equal(content.length, 1);
  assert.equal(content[0]?.choices[0]?.delta.content, rawStream);
});

test('malformed fault headers are refused with 400 invalid_mock_fault', async () => {
  const bad: Record<string, string>[] = [
    { 'x-mock-status': 'soon' },
    { 'x-mock-status': '42' },
    { 'x-mock-latency-ms': '80-20' },
    { 'x-mock-cut-after': '-1' },
    { 'x-mock-echo': 'maybe' },
    { 'x-mock-barrier': '0' },
  ];
  for (const headers of bad) {
    const res = await postJson(chatUrl, HELLO, headers);
    assert.equal(res.status, 400, JSON.stringify(headers));
    const err = parse<ErrorBody>(res.text).error;
    assert.equal(err.code, 'invalid_mock_fault');
    assert.equal(err.param, Object.keys(headers)[0]);
  }
});
