import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, sseData } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';
import {
  SAMPLE_CHAT_COMPLETION,
  SAMPLE_CHAT_REQUEST,
  SAMPLE_CHAT_STREAM,
  SAMPLE_CHAT_STREAM_MID_ERROR,
  SAMPLE_CHAT_STREAM_WITH_USAGE,
  SAMPLE_CREATED,
  SAMPLE_ID,
  SAMPLE_TOOL_CALL_STREAM,
  SAMPLE_TOOL_REQUEST,
} from './samples.js';

let mock: RunningMock;
let chatUrl: string;

before(async () => {
  mock = await startMock({ port: 0 });
  chatUrl = `${mock.url}/v1/chat/completions`;
});
after(() => mock.close());

/** Replaces what legitimately differs per response (ids, clock) with the samples' fixed values. */
function normalise(raw: string): string {
  const callIds = new Map<string, string>();
  return raw
    .replace(/"id":"chatcmpl-[^"]+"/g, `"id":"${SAMPLE_ID}"`)
    .replace(/"created":\d+/g, `"created":${SAMPLE_CREATED}`)
    .replace(/"id":"(call_[^"]+)"/g, (_m, id: string) => {
      if (!callIds.has(id)) callIds.set(id, `call_sample${callIds.size}`);
      return `"id":"${callIds.get(id) ?? ''}"`;
    });
}

function withFields(request: string, extra: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(request) as Record<string, unknown>), ...extra });
}

test('samples are byte-identical to what the server sends (up to ids and clock)', async () => {
  const whole = await postJson(chatUrl, SAMPLE_CHAT_REQUEST);
  assert.equal(normalise(whole.text), SAMPLE_CHAT_COMPLETION);

  const streamed = await postJson(chatUrl, withFields(SAMPLE_CHAT_REQUEST, { stream: true }));
  assert.equal(normalise(streamed.text), SAMPLE_CHAT_STREAM);

  const withUsage = await postJson(
    chatUrl,
    withFields(SAMPLE_CHAT_REQUEST, { stream: true, stream_options: { include_usage: true } }),
  );
  assert.equal(normalise(withUsage.text), SAMPLE_CHAT_STREAM_WITH_USAGE);

  const broken = await postJson(
    chatUrl,
    withFields(SAMPLE_CHAT_REQUEST, { stream: true, stream_options: { include_usage: true } }),
    { 'x-mock-error-after': '2' },
  );
  assert.equal(normalise(broken.text), SAMPLE_CHAT_STREAM_MID_ERROR);

  const tools = await postJson(
    chatUrl,
    withFields(SAMPLE_TOOL_REQUEST, { stream: true, stream_options: { include_usage: true } }),
    { 'x-mock-tool-calls': '2' },
  );
  assert.equal(normalise(tools.text), SAMPLE_TOOL_CALL_STREAM);
});

test('sample streams are well-formed data-only SSE ending in [DONE]', () => {
  for (const s of [SAMPLE_CHAT_STREAM, SAMPLE_CHAT_STREAM_WITH_USAGE, SAMPLE_TOOL_CALL_STREAM]) {
    const frames = sseData(s);
    assert.equal(frames.at(-1), '[DONE]');
    for (const f of frames.slice(0, -1)) JSON.parse(f);
  }
  assert.equal(sseData(SAMPLE_CHAT_STREAM_MID_ERROR).includes('[DONE]'), false);
});
