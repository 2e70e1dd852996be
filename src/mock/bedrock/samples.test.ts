import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, type RunningMock } from '../server.js';
import { readEventStream, type ReadMessage } from './event-stream-read.js';
import {
  SAMPLE_CACHED_RESPONSE,
  SAMPLE_CONVERSE_PATH,
  SAMPLE_CONVERSE_REQUEST,
  SAMPLE_CONVERSE_RESPONSE,
  SAMPLE_CONVERSE_STREAM,
  SAMPLE_CONVERSE_STREAM_CUT,
  SAMPLE_CONVERSE_STREAM_MID_ERROR,
  SAMPLE_CONVERSE_STREAM_PATH,
  SAMPLE_CONVERSE_TOOL_REQUEST,
  SAMPLE_REASONING_TOOL_USE_RESPONSE,
  SAMPLE_REASONING_TOOL_USE_STREAM,
  SAMPLE_TOOL_USE_STREAM,
} from './samples.js';

let mock: RunningMock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock.close());

async function post(path: string, body: string, faults: Record<string, string> = {}): Promise<{ bytes: Uint8Array; aborted: boolean }> {
  const res = await fetch(mock.url + path, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...faults }, body });
  const chunks: Uint8Array[] = [];
  let aborted = false;
  try {
    for await (const c of res.body ?? []) chunks.push(c as Uint8Array);
  } catch {
    aborted = true;
  }
  return { bytes: Buffer.concat(chunks), aborted };
}

/** Replaces what legitimately differs per response (tool ids, latency) with the samples' values. */
function normaliseJson(raw: string): string {
  const ids = new Map<string, string>();
  return raw
    .replace(/"latencyMs":\d+/g, '"latencyMs":0')
    .replace(/"toolUseId":"(tooluse_[^"]+)"/g, (_m, id: string) => {
      if (!ids.has(id)) ids.set(id, `tooluse_sample${ids.size}`);
      return `"toolUseId":"${ids.get(id) ?? ''}"`;
    });
}

/** Messages with normalised payloads; `p` (padding whose length follows the payload's) is checked, then dropped. */
function normaliseStream(bytes: Uint8Array): ReadMessage[] {
  return readEventStream(bytes).map((m) => {
    const { p, ...rest } = m.payload;
    if (m.headers[':message-type'] === 'event') assert.equal(typeof p, 'string');
    return { headers: m.headers, payload: JSON.parse(normaliseJson(JSON.stringify(rest))) as Record<string, unknown> };
  });
}

const text = async (path: string, body: string, faults?: Record<string, string>) => normaliseJson(Buffer.from((await post(path, body, faults)).bytes).toString('utf8'));

test('samples are what the server sends (up to tool ids and latency)', async () => {
  assert.equal(await text(SAMPLE_CONVERSE_PATH, SAMPLE_CONVERSE_REQUEST), SAMPLE_CONVERSE_RESPONSE);
  assert.equal(await text(SAMPLE_CONVERSE_PATH, SAMPLE_CONVERSE_REQUEST, { 'x-mock-cached-tokens': '5', 'x-mock-cache-write-tokens': '4' }), SAMPLE_CACHED_RESPONSE);
  assert.equal(await text(SAMPLE_CONVERSE_PATH, SAMPLE_CONVERSE_TOOL_REQUEST, { 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '7' }), SAMPLE_REASONING_TOOL_USE_RESPONSE);
  const stream = async (body: string, faults?: Record<string, string>) => normaliseStream((await post(SAMPLE_CONVERSE_STREAM_PATH, body, faults)).bytes);
  assert.deepEqual(await stream(SAMPLE_CONVERSE_REQUEST), normaliseStream(SAMPLE_CONVERSE_STREAM));
  assert.deepEqual(await stream(SAMPLE_CONVERSE_REQUEST, { 'x-mock-error-after': '2' }), normaliseStream(SAMPLE_CONVERSE_STREAM_MID_ERROR));
  assert.deepEqual(await stream(SAMPLE_CONVERSE_TOOL_REQUEST, { 'x-mock-tool-calls': '2' }), normaliseStream(SAMPLE_TOOL_USE_STREAM));
  assert.deepEqual(await stream(SAMPLE_CONVERSE_TOOL_REQUEST, { 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '7' }), normaliseStream(SAMPLE_REASONING_TOOL_USE_STREAM));
  const cut = await post(SAMPLE_CONVERSE_STREAM_PATH, SAMPLE_CONVERSE_REQUEST, { 'x-mock-cut-after': '2' });
  assert.equal(cut.aborted, true);
  assert.deepEqual(normaliseStream(cut.bytes), normaliseStream(SAMPLE_CONVERSE_STREAM_CUT));
});

test('the samples are well-formed: the error stream ends with an exception, no sample stream has stray bytes', () => {
  const err = readEventStream(SAMPLE_CONVERSE_STREAM_MID_ERROR);
  assert.equal(err.at(-1)?.headers[':exception-type'], 'modelStreamErrorException');
  assert.equal(readEventStream(SAMPLE_CONVERSE_STREAM).at(-1)?.headers[':event-type'], 'metadata');
  assert.equal(JSON.parse(SAMPLE_CONVERSE_RESPONSE).usage.inputTokens, 14);
});
