import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';
import {
  SAMPLE_CACHED_MESSAGE,
  SAMPLE_MESSAGE,
  SAMPLE_MESSAGE_ID,
  SAMPLE_MESSAGE_STREAM,
  SAMPLE_MESSAGE_STREAM_CUT,
  SAMPLE_MESSAGE_STREAM_MID_ERROR,
  SAMPLE_MESSAGES_REQUEST,
  SAMPLE_MESSAGES_TOOL_REQUEST,
  SAMPLE_THINKING_TOOL_USE_STREAM,
  SAMPLE_TOOL_USE_STREAM,
} from './samples.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v1/messages`;
});
after(() => mock.close());

const AUTH = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

/** Replaces what legitimately differs per response (message and tool ids) with the samples' values. */
function normalise(raw: string): string {
  const toolIds = new Map<string, string>();
  return raw
    .replace(/"id":"msg_[^"]+"/g, `"id":"${SAMPLE_MESSAGE_ID}"`)
    .replace(/"id":"(toolu_[^"]+)"/g, (_m, id: string) => {
      if (!toolIds.has(id)) toolIds.set(id, `toolu_sample${toolIds.size}`);
      return `"id":"${toolIds.get(id) ?? ''}"`;
    });
}

function streamed(request: string): string {
  return JSON.stringify({ ...(JSON.parse(request) as Record<string, unknown>), stream: true });
}

test('samples are byte-identical to what the server sends (up to ids)', async () => {
  assert.equal(normalise((await postJson(url, SAMPLE_MESSAGES_REQUEST, AUTH)).text), SAMPLE_MESSAGE);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MESSAGES_REQUEST), AUTH)).text), SAMPLE_MESSAGE_STREAM);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MESSAGES_REQUEST), { ...AUTH, 'x-mock-error-after': '2' })).text), SAMPLE_MESSAGE_STREAM_MID_ERROR);
  const cut = await postJson(url, streamed(SAMPLE_MESSAGES_REQUEST), { ...AUTH, 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.equal(normalise(cut.text), SAMPLE_MESSAGE_STREAM_CUT);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MESSAGES_TOOL_REQUEST), { ...AUTH, 'x-mock-tool-calls': '2' })).text), SAMPLE_TOOL_USE_STREAM);
  assert.equal(
    normalise((await postJson(url, streamed(SAMPLE_MESSAGES_TOOL_REQUEST), { ...AUTH, 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '7' })).text),
    SAMPLE_THINKING_TOOL_USE_STREAM,
  );
  assert.equal(
    normalise((await postJson(url, SAMPLE_MESSAGES_REQUEST, { ...AUTH, 'x-mock-cached-tokens': '5', 'x-mock-cache-write-tokens': '4' })).text),
    SAMPLE_CACHED_MESSAGE,
  );
});
