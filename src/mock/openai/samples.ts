// Canonical OpenAI wire samples, rendered by the same planner and encoders the server uses, with fixed
// ids and clock. Other tests use them as fixtures (e.g. a provider adapter's stream decoder) without
// starting a server; if the simulator's output changes, these change with it.

import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import type { StreamFrames } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import { DEFAULT_OUTPUT_TOKENS, SYSTEM_FINGERPRINT } from './chat-answer.js';
import { encodeChatStream, encodeCompletion, OPENAI_FLAVOR, type ChatFlavor } from './chat-encode.js';
import { parseChatBody } from './chat-request.js';
import { OPENAI_MID_STREAM_ERROR } from './wire.js';

export const SAMPLE_MODEL = 'gpt-4o-mini';
export const SAMPLE_ID = 'chatcmpl-sample';
export const SAMPLE_CREATED = 1_700_000_000;

/** prompt = ceil(29 chars / 4) + 2 × 3 = 14 tokens. */
export const SAMPLE_CHAT_REQUEST = JSON.stringify({
  model: SAMPLE_MODEL,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the capital?' },
  ],
});

export const SAMPLE_TOOL_REQUEST = JSON.stringify({
  model: SAMPLE_MODEL,
  messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ],
});

export interface RenderedSample {
  readonly completion: string;
  /** The whole stream as received, [DONE] included. */
  readonly stream: string;
  /** The stream broken by a mid-stream error frame after `errorAfter` deltas (if asked). */
  readonly streamWithError: string;
  readonly usage: UsageCounts;
}

function joinFrames(f: StreamFrames, errorAfter?: number): string {
  if (errorAfter === undefined) return [...f.head, ...f.deltas, ...f.tail].join('');
  return [...f.head, ...f.deltas.slice(0, errorAfter)].join('') + `data: ${OPENAI_MID_STREAM_ERROR}\n\n`;
}

export function renderChatSample(opts: {
  readonly request: string;
  readonly faults?: Readonly<Faults>;
  readonly includeUsage: boolean;
  readonly flavor?: ChatFlavor;
  /** The response `model` (Azure: the deployment). */
  readonly model?: string;
}): RenderedSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseChatBody(opts.request, false);
  const model = opts.model ?? call.model ?? SAMPLE_MODEL;
  let calls = 0;
  const plan = planCompletion({
    model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => `call_sample${calls++}`,
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = { id: SAMPLE_ID, created: SAMPLE_CREATED, model, systemFingerprint: SYSTEM_FINGERPRINT };
  const flavor = opts.flavor ?? OPENAI_FLAVOR;
  const frames = encodeChatStream(env, plan, opts.includeUsage ? usage : undefined, flavor);
  return {
    completion: encodeCompletion(env, plan, usage, flavor),
    stream: joinFrames(frames),
    streamWithError: joinFrames(frames, Math.min(2, frames.deltas.length)),
    usage,
  };
}

const text = renderChatSample({ request: SAMPLE_CHAT_REQUEST, includeUsage: true });
const tools = renderChatSample({ request: SAMPLE_TOOL_REQUEST, faults: { toolCalls: 2 }, includeUsage: true });

/** Non-streamed `chat.completion`: 12 words, finish_reason stop, usage 14 + 12. */
export const SAMPLE_CHAT_COMPLETION: string = text.completion;
/** Streamed answer with `stream_options.include_usage`: role chunk, 12 word chunks, finish chunk, usage chunk, [DONE]. */
export const SAMPLE_CHAT_STREAM_WITH_USAGE: string = text.stream;
/** The same stream without include_usage (no `usage` members at all). */
export const SAMPLE_CHAT_STREAM: string = renderChatSample({ request: SAMPLE_CHAT_REQUEST, includeUsage: false }).stream;
/** Role chunk, two word chunks, then `data: {"error":…}` and no [DONE]. */
export const SAMPLE_CHAT_STREAM_MID_ERROR: string = text.streamWithError;
export const SAMPLE_CHAT_USAGE: UsageCounts = text.usage;

/** Two parallel tool calls (get_weather, get_time) interleaved by index, finish_reason tool_calls, usage. */
export const SAMPLE_TOOL_CALL_STREAM: string = tools.stream;
export const SAMPLE_TOOL_CALL_COMPLETION: string = tools.completion;
export const SAMPLE_TOOL_CALL_USAGE: UsageCounts = tools.usage;
