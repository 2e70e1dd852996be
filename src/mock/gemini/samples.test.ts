import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from '../raw-http.js';
import { startMock, type RunningMock } from '../server.js';
import {
  SAMPLE_BLOCKED_RESPONSE,
  SAMPLE_CACHED_RESPONSE,
  SAMPLE_FUNCTION_CALL_RESPONSE,
  SAMPLE_FUNCTION_CALL_STREAM,
  SAMPLE_GENERATE_REQUEST,
  SAMPLE_GENERATE_RESPONSE,
  SAMPLE_GENERATE_STREAM,
  SAMPLE_GENERATE_STREAM_CUT,
  SAMPLE_GENERATE_STREAM_MID_ERROR,
  SAMPLE_GENERATE_THINKING_REQUEST,
  SAMPLE_GENERATE_TOOL_REQUEST,
  SAMPLE_RESPONSE_ID,
  SAMPLE_THINKING_FUNCTION_CALL_RESPONSE,
  SAMPLE_THINKING_FUNCTION_CALL_STREAM,
} from './samples.js';

let mock: RunningMock;
let base: string;
before(async () => {
  mock = await startMock({ port: 0 });
  base = `${mock.url}/v1beta/models/gemini-2.5-flash`;
});
after(() => mock.close());

const KEY = { 'x-goog-api-key': 'k' };

/** Replaces what legitimately differs per response (response and call ids) with the samples' values. */
function normalise(raw: string): string {
  const callIds = new Map<string, string>();
  return raw
    .replace(/"responseId":( ?)"[^"]+"/g, (_m, sp: string) => `"responseId":${sp}"${SAMPLE_RESPONSE_ID}"`)
    .replace(/"id":( ?)"(fc_[^"]+)"/g, (_m, sp: string, id: string) => {
      if (!callIds.has(id)) callIds.set(id, `fc_sample${callIds.size}`);
      return `"id":${sp}"${callIds.get(id) ?? ''}"`;
    });
}

const generate = async (request: string, headers: Record<string, string> = {}) => normalise((await postJson(`${base}:generateContent`, request, { ...KEY, ...headers })).text);
const stream = async (request: string, headers: Record<string, string> = {}) => normalise((await postJson(`${base}:streamGenerateContent?alt=sse`, request, { ...KEY, ...headers })).text);

test('samples are byte-identical to what the server sends (up to ids)', async () => {
  assert.equal(await generate(SAMPLE_GENERATE_REQUEST), SAMPLE_GENERATE_RESPONSE);
  assert.equal(await stream(SAMPLE_GENERATE_REQUEST), SAMPLE_GENERATE_STREAM);
  assert.equal(await stream(SAMPLE_GENERATE_REQUEST, { 'x-mock-error-after': '2' }), SAMPLE_GENERATE_STREAM_MID_ERROR);
  const cut = await postJson(`${base}:streamGenerateContent?alt=sse`, SAMPLE_GENERATE_REQUEST, { ...KEY, 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.equal(normalise(cut.text), SAMPLE_GENERATE_STREAM_CUT);
  assert.equal(await generate(SAMPLE_GENERATE_TOOL_REQUEST, { 'x-mock-tool-calls': '2' }), SAMPLE_FUNCTION_CALL_RESPONSE);
  assert.equal(await stream(SAMPLE_GENERATE_TOOL_REQUEST, { 'x-mock-tool-calls': '2' }), SAMPLE_FUNCTION_CALL_STREAM);
  const thinking = { 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '7' };
  assert.equal(await generate(SAMPLE_GENERATE_THINKING_REQUEST, thinking), SAMPLE_THINKING_FUNCTION_CALL_RESPONSE);
  assert.equal(await stream(SAMPLE_GENERATE_THINKING_REQUEST, thinking), SAMPLE_THINKING_FUNCTION_CALL_STREAM);
  assert.equal(await generate(SAMPLE_GENERATE_REQUEST, { 'x-mock-cached-tokens': '5' }), SAMPLE_CACHED_RESPONSE);
  assert.equal(await generate(SAMPLE_GENERATE_REQUEST, { 'x-mock-gemini-block': 'SAFETY' }), SAMPLE_BLOCKED_RESPONSE);
});
