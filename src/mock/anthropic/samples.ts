// Canonical Anthropic Messages wire samples, rendered by the same planner and encoders the server uses,
// with fixed ids. Tests use them as fixtures without starting a server; samples.test.ts proves they are
// byte-identical to what the server sends (up to ids).
import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import type { StreamFrames } from '../stream-writer.js';
import { settleUsage } from '../usage.js';
import { encodeMessage, encodeMessageStream, type AnthropicUsageCounts } from './messages-encode.js';
import { parseMessagesBody } from './messages-request.js';
import { anthropicUsage } from './usage.js';
import { ANTHROPIC_MID_STREAM_ERROR_FRAME } from './wire.js';

export const SAMPLE_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
export const SAMPLE_MESSAGE_ID = 'msg_sample';

/** prompt = ceil((9 + 20) chars / 4) + 3 (system) + 3 (one message) = 14 tokens, as the OpenAI sample. */
export const SAMPLE_MESSAGES_REQUEST = JSON.stringify({
  model: SAMPLE_ANTHROPIC_MODEL,
  max_tokens: 1024,
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'What is the capital?' }],
});

export const SAMPLE_MESSAGES_TOOL_REQUEST = JSON.stringify({
  model: SAMPLE_ANTHROPIC_MODEL,
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
  tools: [
    { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
    { name: 'get_time', input_schema: { type: 'object', properties: {} } },
  ],
});

export interface RenderedMessagesSample {
  readonly message: string;
  /** The whole stream, message_stop included. */
  readonly stream: string;
  /** The stream broken by `event: error` after `errorAfter` (default 2) delta frames; no message_stop. */
  readonly streamWithError: string;
  /** The bytes a client gets when the connection is cut after 2 delta frames. */
  readonly streamCut: string;
  readonly usage: AnthropicUsageCounts;
}

function join(f: StreamFrames, stopAt?: number): string {
  if (stopAt === undefined) return [...f.head, ...f.deltas, ...f.tail].join('');
  return [...f.head, ...f.deltas.slice(0, stopAt)].join('');
}

export function renderMessagesSample(opts: { readonly request: string; readonly faults?: Readonly<Faults>; readonly cacheWrite?: number }): RenderedMessagesSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseMessagesBody(opts.request);
  let calls = 0;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => `toolu_sample${calls++}`,
  });
  const usage = anthropicUsage(settleUsage(call.promptTokens, plan.outputTokens, faults), opts.cacheWrite ?? 0);
  const env = { id: SAMPLE_MESSAGE_ID, model: call.model };
  const frames = encodeMessageStream(env, plan, usage);
  const at = Math.min(2, frames.deltas.length);
  return {
    message: encodeMessage(env, plan, usage),
    stream: join(frames),
    streamWithError: join(frames, at) + ANTHROPIC_MID_STREAM_ERROR_FRAME,
    streamCut: join(frames, at),
    usage,
  };
}

const text = renderMessagesSample({ request: SAMPLE_MESSAGES_REQUEST });
const tools = renderMessagesSample({ request: SAMPLE_MESSAGES_TOOL_REQUEST, faults: { toolCalls: 2 } });
const thinkingTools = renderMessagesSample({ request: SAMPLE_MESSAGES_TOOL_REQUEST, faults: { toolCalls: 3, reasoningTokens: 7 } });
const cached = renderMessagesSample({ request: SAMPLE_MESSAGES_REQUEST, faults: { cachedTokens: 5 }, cacheWrite: 4 });

/** Non-streamed message: 12 words, end_turn, usage 14 in + 12 out. */
export const SAMPLE_MESSAGE: string = text.message;
export const SAMPLE_MESSAGE_STREAM: string = text.stream;
export const SAMPLE_MESSAGE_STREAM_MID_ERROR: string = text.streamWithError;
export const SAMPLE_MESSAGE_STREAM_CUT: string = text.streamCut;
export const SAMPLE_MESSAGE_USAGE: AnthropicUsageCounts = text.usage;

/** Two tool_use blocks (get_weather, get_time) at block indices 0 and 1, stop_reason tool_use. */
export const SAMPLE_TOOL_USE_MESSAGE: string = tools.message;
export const SAMPLE_TOOL_USE_STREAM: string = tools.stream;

/** A thinking block (index 0) then three tool_use blocks (indices 1–3); 7 thinking tokens inside output. */
export const SAMPLE_THINKING_TOOL_USE_STREAM: string = thinkingTools.stream;
export const SAMPLE_THINKING_TOOL_USE_MESSAGE: string = thinkingTools.message;
export const SAMPLE_THINKING_TOOL_USE_USAGE: AnthropicUsageCounts = thinkingTools.usage;

/** 14-token prompt reported as input 5 + cache_read 5 + cache_creation 4. */
export const SAMPLE_CACHED_MESSAGE: string = cached.message;
export const SAMPLE_CACHED_STREAM: string = cached.stream;
export const SAMPLE_CACHED_USAGE: AnthropicUsageCounts = cached.usage;
