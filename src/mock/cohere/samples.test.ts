import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';
import {
  SAMPLE_COHERE_CACHED_RESPONSE,
  SAMPLE_COHERE_ID,
  SAMPLE_COHERE_REQUEST,
  SAMPLE_COHERE_RESPONSE,
  SAMPLE_COHERE_STREAM,
  SAMPLE_COHERE_STREAM_CUT,
  SAMPLE_COHERE_STREAM_MID_ERROR,
  SAMPLE_COHERE_THINKING_TOOL_RESPONSE,
  SAMPLE_COHERE_THINKING_TOOL_STREAM,
  SAMPLE_COHERE_TOOL_REQUEST,
  SAMPLE_COHERE_TOOL_RESPONSE,
  SAMPLE_COHERE_TOOL_STREAM,
} from './samples.js';

let mock: RunningMock;
let url: string;
before(async () => {
  mock = await startMock({ port: 0 });
  url = `${mock.url}/v2/chat`;
});
after(() => mock.close());

const AUTH = { authorization: 'Bearer co-test' };

/** Replaces what legitimately differs per response (the response id, tool-call ids) with the samples' values. */
function normalise(raw: string): string {
  const callIds = new Map<string, string>();
  return raw
    .replace(/"id":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, `"id":"${SAMPLE_COHERE_ID}"`)
    .replace(/"id":"(call_[^"]+)"/g, (_m, id: string) => {
      if (!callIds.has(id)) callIds.set(id, `call_sample${callIds.size}`);
      return `"id":"${callIds.get(id) ?? ''}"`;
    });
}

function streamed(request: string): string {
  return JSON.stringify({ ...(JSON.parse(request) as Record<string, unknown>), stream: true });
}

test('samples are byte-identical to what the server sends (up to ids)', async () => {
  assert.equal(normalise((await postJson(url, SAMPLE_COHERE_REQUEST, AUTH)).text), SAMPLE_COHERE_RESPONSE);
  assert.equal(normalise((await postJson(url, SAMPLE_COHERE_REQUEST, { ...AUTH, 'x-mock-cached-tokens': '5' })).text), SAMPLE_COHERE_CACHED_RESPONSE);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_COHERE_REQUEST), AUTH)).text), SAMPLE_COHERE_STREAM);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_COHERE_REQUEST), { ...AUTH, 'x-mock-error-after': '2' })).text), SAMPLE_COHERE_STREAM_MID_ERROR);
  const cut = await postJson(url, streamed(SAMPLE_COHERE_REQUEST), { ...AUTH, 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.equal(normalise(cut.text), SAMPLE_COHERE_STREAM_CUT);
  assert.equal(normalise((await postJson(url, SAMPLE_COHERE_TOOL_REQUEST, { ...AUTH, 'x-mock-tool-calls': '2' })).text), SAMPLE_COHERE_TOOL_RESPONSE);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_COHERE_TOOL_REQUEST), { ...AUTH, 'x-mock-tool-calls': '2' })).text), SAMPLE_COHERE_TOOL_STREAM);
  const thinking = { ...AUTH, 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '7' };
  assert.equal(normalise((await postJson(url, SAMPLE_COHERE_TOOL_REQUEST, thinking)).text), SAMPLE_COHERE_THINKING_TOOL_RESPONSE);
  assert.equal(normalise((await postJson(url, streamed(SAMPLE_COHERE_TOOL_REQUEST), thinking)).text), SAMPLE_COHERE_THINKING_TOOL_STREAM);
});
