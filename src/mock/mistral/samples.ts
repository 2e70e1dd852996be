// Canonical Mistral chat wire samples, rendered by the same planner and encoders the server uses,
// with fixed ids and clock. Tests (the Mistral adapter's included) use them as fixtures without
// starting a server; samples.test.ts proves they are byte-identical to what the server sends (up to
// ids and clock).
import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import type { StreamFrames } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import { encodeChatCompletion, encodeChatStream } from './chat-encode.js';
import { parseMistralChatBody } from './chat-request.js';
import { MISTRAL_MID_STREAM_ERROR_FRAME } from './wire.js';

export const SAMPLE_MISTRAL_MODEL = 'mistral-large-latest';
export const SAMPLE_MISTRAL_ID = '0f9d5c1e6b2a4c8d9e7f3a1b5c6d7e8f';
export const SAMPLE_MISTRAL_CREATED = 1_760_000_000;
/** The fixed 9-character ids of the sample tool calls, in order. */
export const SAMPLE_MISTRAL_CALL_IDS = ['SmplCall0', 'SmplCall1', 'SmplCall2'] as const;

/** prompt = ceil((9 + 20) chars / 4) + 3 × 2 messages = 14 tokens, as the OpenAI sample. */
export const SAMPLE_MISTRAL_REQUEST = JSON.stringify({
  model: SAMPLE_MISTRAL_MODEL,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the capital?' },
  ],
});

export const SAMPLE_MISTRAL_TOOL_REQUEST = JSON.stringify({
  model: SAMPLE_MISTRAL_MODEL,
  messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ],
});

export interface RenderedMistralSample {
  readonly completion: string;
  /** The whole stream, [DONE] included. */
  readonly stream: string;
  /** Broken after 2 delta frames by an error chunk; no [DONE]. */
  readonly streamWithError: string;
  /** The bytes a client gets when the connection is cut after 2 delta frames. */
  readonly streamCut: string;
  readonly usage: UsageCounts;
}

function join(f: StreamFrames, stopAt?: number): string {
  if (stopAt === undefined) return [...f.head, ...f.deltas, ...f.tail].join('');
  return [...f.head, ...f.deltas.slice(0, stopAt)].join('');
}

export function renderMistralSample(opts: { readonly request: string; readonly faults?: Readonly<Faults> }): RenderedMistralSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseMistralChatBody(opts.request);
  let calls = 0;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => SAMPLE_MISTRAL_CALL_IDS[calls++] ?? `SmplCall${calls}`,
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = { id: SAMPLE_MISTRAL_ID, created: SAMPLE_MISTRAL_CREATED, model: call.model };
  const frames = encodeChatStream(env, plan, usage);
  const at = Math.min(2, frames.deltas.length);
  return {
    completion: encodeChatCompletion(env, plan, usage),
    stream: join(frames),
    streamWithError: join(frames, at) + MISTRAL_MID_STREAM_ERROR_FRAME,
    streamCut: join(frames, at),
    usage,
  };
}

const text = renderMistralSample({ request: SAMPLE_MISTRAL_REQUEST });
const cached = renderMistralSample({ request: SAMPLE_MISTRAL_REQUEST, faults: { cachedTokens: 5 } });
const thinking = renderMistralSample({ request: SAMPLE_MISTRAL_REQUEST, faults: { reasoningTokens: 6 } });
const tools = renderMistralSample({ request: SAMPLE_MISTRAL_TOOL_REQUEST, faults: { toolCalls: 2 } });

/** 12 words, stop, usage 14 in + 12 out. */
export const SAMPLE_MISTRAL_COMPLETION: string = text.completion;
export const SAMPLE_MISTRAL_STREAM: string = text.stream;
export const SAMPLE_MISTRAL_STREAM_MID_ERROR: string = text.streamWithError;
export const SAMPLE_MISTRAL_STREAM_CUT: string = text.streamCut;
export const SAMPLE_MISTRAL_USAGE: UsageCounts = text.usage;

/** The 14-token prompt with 5 cached tokens (prompt_tokens_details.cached_tokens, inside prompt_tokens). */
export const SAMPLE_MISTRAL_CACHED_COMPLETION: string = cached.completion;

/** content as an ARRAY: a thinking chunk, then the text chunk; 6 reasoning tokens inside completion_tokens. */
export const SAMPLE_MISTRAL_THINKING_COMPLETION: string = thinking.completion;
export const SAMPLE_MISTRAL_THINKING_STREAM: string = thinking.stream;

/** Two whole tool calls (get_weather, get_time) with 9-character ids, tool_calls. */
export const SAMPLE_MISTRAL_TOOL_COMPLETION: string = tools.completion;
export const SAMPLE_MISTRAL_TOOL_STREAM: string = tools.stream;
