import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';
import {
  SAMPLE_MISTRAL_CACHED_COMPLETION,
  SAMPLE_MISTRAL_CALL_IDS,
  SAMPLE_MISTRAL_COMPLETION,
  SAMPLE_MISTRAL_CREATED,
  SAMPLE_MISTRAL_ID,
  SAMPLE_MISTRAL_REQUEST,
  SAMPLE_MISTRAL_STREAM,
  SAMPLE_MISTRAL_STREAM_CUT,
  SAMPLE_MISTRAL_STREAM_MID_ERROR,
  SAMPLE_MISTRAL_THINKING_COMPLETION,
  SAMPLE_MISTRAL_THINKING_STREAM,
  SAMPLE_MISTRAL_TOOL_COMPLETION,
  SAMPLE_MISTRAL_TOOL_REQUEST,
  SAMPLE_MISTRAL_TOOL_STREAM,
} from './samples.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/mistral/v1/chat/completions`;
});
after(() => mock.close());

const AUTH = { authorization: 'Bearer mistral-test' };

/** Replaces what legitimately differs per response (ids, clock) with the samples' fixed values. */
function normalise(raw: string): string {
  const callIds = new Map<string, string>();
  return raw
    .replace(/^data: \{"id":"[^"]+"/gm, `data: {"id":"${SAMPLE_MISTRAL_ID}"`)
    .replace(/^\{"id":"[^"]+"/, `{"id":"${SAMPLE_MISTRAL_ID}"`)
    .replace(/"created":\d+/g, `"created":${SAMPLE_MISTRAL_CREATED}`)
    .replace(/"id":"([a-zA-Z0-9]{9})"/g, (_m, id: string) => {
      if (!callIds.has(id)) callIds.set(id, SAMPLE_MISTRAL_CALL_IDS[callIds.size] ?? '');
      return `"id":"${callIds.get(id) ?? ''}"`;
    });
}

function streamed(request: string): string {
  return JSON.stringify({ ...(JSON.parse(request) as Record<string, unknown>), stream: true });
}

test('samples are byte-identical to what the server sends (up to ids and clock)', async () => {
  assert.equal(normalise((await postJson(url, SAMPLE_MISTRAL_REQUEST, AUTH)).text), SAMPLE_MISTRAL_COMPLETION);
  assert.equal(normalise((await postJson(url, SAMPLE_MISTRAL_REQUEST, { ...AUTH, 'x-mock-cached-tokens': '5' })).text), SAMPLE_MISTRAL_CACHED_COMPLETION);
  assert.equal(normalise((await postJson(url, SAMPLE_MISTRAL_REQUEST, { ...AUTH, 'x-mock-reasoning-tokens': '6' })).text), SAMPLE_MISTRAL_THINKING_COMPLETION);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MISTRAL_REQUEST), AUTH)).text), SAMPLE_MISTRAL_STREAM);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MISTRAL_REQUEST), { ...AUTH, 'x-mock-reasoning-tokens': '6' })).text), SAMPLE_MISTRAL_THINKING_STREAM);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MISTRAL_REQUEST), { ...AUTH, 'x-mock-error-after': '2' })).text), SAMPLE_MISTRAL_STREAM_MID_ERROR);
  const cut = await postJson(url, streamed(SAMPLE_MISTRAL_REQUEST), { ...AUTH, 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.equal(normalise(cut.text), SAMPLE_MISTRAL_STREAM_CUT);
  assert.equal(normalise((await postJson(url, SAMPLE_MISTRAL_TOOL_REQUEST, { ...AUTH, 'x-mock-tool-calls': '2' })).text), SAMPLE_MISTRAL_TOOL_COMPLETION);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_MISTRAL_TOOL_REQUEST), { ...AUTH, 'x-mock-tool-calls': '2' })).text), SAMPLE_MISTRAL_TOOL_STREAM);
});
