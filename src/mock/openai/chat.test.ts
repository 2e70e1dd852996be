import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { postJson, rawRequest, sseData } from '../raw-http.js';
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

// "Hello there" = 11 chars → ceil(11/4) = 3, + 3 for the one message = 6.
const HELLO = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

test('answers a non-streamed chat completion in OpenAI shape', async () => {
  const res = await postJson(chatUrl, HELLO);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
  const body = parse<Completion>(res.text);
  assert.match(body.id, /^chatcmpl-/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'gpt-4o-mini');
  assert.equal(typeof body.created, 'number');
  assert.equal(typeof body.system_fingerprint, 'string');
  assert.equal(body.choices.length, 1);
  const choice = body.choices[0];
  assert.ok(choice);
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.role, 'assistant');
  assert.equal(
    choice.message.content,
    'Simulated answer from gpt-4o-mini: lorem ipsum dolor sit amet consectetur adipiscing elit',
  );
  assert.deepEqual(body.usage, {
    prompt_tokens: 6,
    completion_tokens: 12,
    total_tokens: 18,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  });
});

test('gives every response a distinct id', async () => {
  const [a, b] = await Promise.all([postJson(chatUrl, HELLO), postJson(chatUrl, HELLO)]);
  assert.notEqual(parse<Completion>(a.text).id, parse<Completion>(b.text).id);
});

test('counts prompt tokens as ceil(chars / 4) + 3 per message, over text parts and tool calls', async () => {
  const res = await postJson(chatUrl, {
    model: 'm',
    messages: [
      { role: 'system', content: 'abcd' }, // 4
      { role: 'user', content: [{ type: 'text', text: 'abcdef' }, { type: 'image_url', image_url: { url: 'x' } }] }, // 6
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'ab', arguments: '{}' } }] }, // 4
      { role: 'tool', tool_call_id: 'c', content: 'a' }, // 1
    ],
  });
  // 15 chars → 4, + 4 messages × 3 = 16
  assert.equal(parse<Completion>(res.text).usage?.prompt_tokens, 16);
});

test('streams one chunk per token: role first, finish_reason last, then [DONE], no usage members', async () => {
  const res = await postJson(chatUrl, { ...HELLO, stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const frames = sseData(res.text);
  assert.equal(frames.at(-1), '[DONE]');
  const chunks = frames.slice(0, -1).map((f) => parse<Chunk>(f));
  assert.equal(chunks.length, 1 + 12 + 1);
  const ids = new Set(chunks.map((c) => c.id));
  assert.equal(ids.size, 1);
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, 'gpt-4o-mini');
    assert.equal('usage' in c, false);
  }
  assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
  const words = chunks.slice(1, -1).map((c) => c.choices[0]?.delta.content);
  assert.equal(words.length, 12);
  assert.equal(words.join(''), 'Simulated answer from gpt-4o-mini: lorem ipsum dolor sit amet consectetur adipiscing elit');
  for (const c of chunks.slice(0, -1)) assert.equal(c.choices[0]?.finish_reason, null);
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
});

test('with include_usage every chunk has usage:null and a choices:[] chunk carries the usage before [DONE]', async () => {
  const res = await postJson(chatUrl, { ...HELLO, stream: true, stream_options: { include_usage: true } });
  const frames = sseData(res.text);
  assert.equal(frames.at(-1), '[DONE]');
  const chunks = frames.slice(0, -1).map((f) => parse<Chunk>(f));
  const last = chunks.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.equal(last?.usage?.prompt_tokens, 6);
  assert.equal(last?.usage?.completion_tokens, 12);
  assert.equal(last?.usage?.total_tokens, 18);
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
  assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
});

test('caps output at max_completion_tokens with finish_reason length; reasoning spends the cap first', async () => {
  const capped = parse<Completion>((await postJson(chatUrl, { ...HELLO, max_completion_tokens: 5 })).text);
  assert.equal(capped.choices[0]?.finish_reason, 'length');
  assert.equal(capped.choices[0]?.message.content, 'Simulated answer from gpt-4o-mini: lorem');
  assert.equal(capped.usage?.completion_tokens, 5);

  const old = parse<Completion>((await postJson(chatUrl, { ...HELLO, max_tokens: 2 })).text);
  assert.equal(old.choices[0]?.message.content, 'Simulated answer');

  const reasoning = await postJson(chatUrl, { ...HELLO, max_completion_tokens: 10 }, { 'x-mock-reasoning-tokens': '8' });
  const r = parse<Completion>(reasoning.text);
  assert.equal(r.choices[0]?.finish_reason, 'length');
  assert.equal(r.usage?.completion_tokens, 10);
  assert.equal(r.usage?.completion_tokens_details?.reasoning_tokens, 8);
});

test('rejects bad bodies with 400 in OpenAI error shape', async () => {
  const cases: [unknown, string | null][] = [
    ['{not json', null],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm' }, 'messages'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: ['hi'] }, 'messages[0]'],
    [{ ...HELLO, max_tokens: 0 }, 'max_tokens'],
  ];
  for (const [body, param] of cases) {
    const res = await postJson(chatUrl, body);
    assert.equal(res.status, 400, res.text);
    const err = parse<{ error: { message: string; type: string; param: string | null; code: string | null } }>(res.text).error;
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.param, param);
    assert.equal(typeof err.message, 'string');
    assert.ok('code' in err);
  }
});

test('404s unknown routes the way OpenAI does', async () => {
  const res = await postJson(`${mock.url}/v1/nope`, {});
  assert.equal(res.status, 404);
  assert.match(res.text, /Invalid URL \(POST \/v1\/nope\)/);
});

test('lists built-in models plus every model asked for', async () => {
  await postJson(chatUrl, { ...HELLO, model: 'custom-model-xyz' });
  const res = await rawRequest(`${mock.url}/v1/models`);
  const body = parse<{ object: string; data: { id: string; object: string }[] }>(res.text);
  assert.equal(body.object, 'list');
  const ids = body.data.map((m) => m.id);
  assert.ok(ids.includes('gpt-4o-mini'));
  assert.ok(ids.includes('custom-model-xyz'));
});

test('the openai SDK reads both forms', async () => {
  const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  const done = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(done.choices[0]?.message.content?.startsWith('Simulated answer from gpt-4o:'), true);
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, done.choices[0]?.message.content);
  assert.equal(usage?.total_tokens, done.usage?.total_tokens);
});

test('with requireKey, a wrong or missing Bearer key gets 401 invalid_api_key', async () => {
  const locked = await startMock({ port: 0, requireKey: 'sk-right' });
  try {
    const url = `${locked.url}/v1/chat/completions`;
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer sk-wrong' }];
    for (const headers of attempts) {
      const res = await postJson(url, HELLO, headers);
      assert.equal(res.status, 401);
      assert.deepEqual(parse<{ error: unknown }>(res.text).error, {
        message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      });
      assert.equal(res.text.includes('sk-wrong'), false, 'the key is never echoed');
    }
    const ok = await postJson(url, HELLO, { authorization: 'Bearer sk-right' });
    assert.equal(ok.status, 200);
  } finally {
    await locked.close();
  }
});
