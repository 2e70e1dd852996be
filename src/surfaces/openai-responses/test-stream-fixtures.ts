// Canonical stream events and SSE readers shared by the Responses stream tests (tests only).
import assert from 'node:assert/strict';
import { StreamIncompleteError } from '../../core/errors.js';
import type { StreamEvent } from '../../core/stream-event.js';
import { ResponsesStreamEncoder, type ResponsesStreamOptions } from './encode-stream.js';

export const START: StreamEvent = { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5', created: 1_760_000_000 };
export const USAGE: StreamEvent = { type: 'usage', usage: { inputTokens: 110, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 } };

export const TEXT_EVENTS: StreamEvent[] = [
  START,
  { type: 'reasoning-delta', choice: 0, text: 'think' },
  { type: 'reasoning-delta', choice: 0, text: 'ing' },
  { type: 'reasoning-delta', choice: 0, text: '', signature: 'sig1' },
  { type: 'text-delta', choice: 0, text: 'Hello' },
  { type: 'text-delta', choice: 0, text: ' world' },
  { type: 'finish', choice: 0, reason: 'stop', providerReason: 'end_turn' },
  USAGE,
];

/** Two parallel calls whose fragments interleave: a consumer that merges by arrival gets caught. */
export const TOOL_EVENTS: StreamEvent[] = [
  START,
  { type: 'text-delta', choice: 0, text: 'Checking' },
  { type: 'tool-call-start', choice: 0, index: 0, id: 'toolu_a', name: 'get_weather' },
  { type: 'tool-call-start', choice: 0, index: 1, id: 'toolu_b', name: 'get_time' },
  { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '{"tz":' },
  { type: 'tool-call-delta', choice: 0, index: 0, argumentsDelta: '{"city":"Paris"}' },
  { type: 'tool-call-delta', choice: 0, index: 1, argumentsDelta: '"CET"}' },
  { type: 'finish', choice: 0, reason: 'tool_calls', providerReason: 'tool_use' },
  USAGE,
];

export function run(events: readonly StreamEvent[], completed = true, opts: Partial<ResponsesStreamOptions> = {}): string {
  const enc = new ResponsesStreamEncoder({ requestId: 'req_1', ...opts });
  let out = events.map((e) => enc.push(e)).join('');
  out += completed ? enc.end() : enc.fail(new StreamIncompleteError('anthropic/claude', 'no terminating event'));
  return out;
}

export type Ev = { type: string; sequence_number: number } & Record<string, unknown>;

/** `event: <type>\ndata: <json>` frames → their data; checks the name repeats the type. */
export function events(raw: string): Ev[] {
  assert.ok(raw.endsWith('\n\n'));
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((f) => {
      const [name, data, ...rest] = f.split('\n');
      assert.equal(rest.length, 0, `one event and one data line: ${f}`);
      assert.ok(name?.startsWith('event: ') && data?.startsWith('data: '), f);
      const ev = JSON.parse(data.slice(6)) as Ev;
      assert.equal(ev.type, name.slice(7));
      return ev;
    });
}
