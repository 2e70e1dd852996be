// Canonical Cohere v2 Chat wire samples, rendered by the same planner and encoders the server uses,
// with fixed ids. Tests (the Cohere adapter's included) use them as fixtures without starting a
// server; samples.test.ts proves they are byte-identical to what the server sends (up to ids).
import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import type { StreamFrames } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import { encodeChatResponse, encodeChatStream } from './chat-encode.js';
import { parseCohereChatBody } from './chat-request.js';
import { COHERE_MID_STREAM_ERROR_FRAME } from './wire.js';

export const SAMPLE_COHERE_MODEL = 'command-a-03-2025';
export const SAMPLE_COHERE_ID = 'c14c80c3-18eb-4519-9460-6c92edd8cfb4';

/** prompt = ceil((9 + 20) chars / 4) + 3 × 2 messages = 14 tokens, as the OpenAI sample. */
export const SAMPLE_COHERE_REQUEST = JSON.stringify({
  model: SAMPLE_COHERE_MODEL,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the capital?' },
  ],
});

export const SAMPLE_COHERE_TOOL_REQUEST = JSON.stringify({
  model: SAMPLE_COHERE_MODEL,
  messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ],
});

export interface RenderedCohereSample {
  readonly response: string;
  /** The whole stream, message-end and [DONE] included. */
  readonly stream: string;
  /** Broken after 2 delta frames by a message-end carrying an error; no [DONE]. */
  readonly streamWithError: string;
  /** The bytes a client gets when the connection is cut after 2 delta frames. */
  readonly streamCut: string;
  readonly usage: UsageCounts;
}

function join(f: StreamFrames, stopAt?: number): string {
  if (stopAt === undefined) return [...f.head, ...f.deltas, ...f.tail].join('');
  return [...f.head, ...f.deltas.slice(0, stopAt)].join('');
}

export function renderCohereSample(opts: { readonly request: string; readonly faults?: Readonly<Faults> }): RenderedCohereSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseCohereChatBody(opts.request);
  let calls = 0;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => `call_sample${calls++}`,
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = { id: SAMPLE_COHERE_ID };
  const frames = encodeChatStream(env, plan, usage);
  const at = Math.min(2, frames.deltas.length);
  return {
    response: encodeChatResponse(env, plan, usage),
    stream: join(frames),
    streamWithError: join(frames, at) + COHERE_MID_STREAM_ERROR_FRAME,
    streamCut: join(frames, at),
    usage,
  };
}

const text = renderCohereSample({ request: SAMPLE_COHERE_REQUEST });
const cached = renderCohereSample({ request: SAMPLE_COHERE_REQUEST, faults: { cachedTokens: 5 } });
const tools = renderCohereSample({ request: SAMPLE_COHERE_TOOL_REQUEST, faults: { toolCalls: 2 } });
const thinkingTools = renderCohereSample({ request: SAMPLE_COHERE_TOOL_REQUEST, faults: { toolCalls: 3, reasoningTokens: 7 } });

/** 12 words, COMPLETE, usage 14 in + 12 out (tokens and billed_units alike). */
export const SAMPLE_COHERE_RESPONSE: string = text.response;
export const SAMPLE_COHERE_STREAM: string = text.stream;
export const SAMPLE_COHERE_STREAM_MID_ERROR: string = text.streamWithError;
export const SAMPLE_COHERE_STREAM_CUT: string = text.streamCut;
export const SAMPLE_COHERE_USAGE: UsageCounts = text.usage;

/** The 14-token prompt with 5 cached tokens (cached_tokens beside tokens, counted inside input_tokens). */
export const SAMPLE_COHERE_CACHED_RESPONSE: string = cached.response;

/** Two calls (get_weather, get_time) after a tool plan, Cohere indices 0 and 1, TOOL_CALL. */
export const SAMPLE_COHERE_TOOL_RESPONSE: string = tools.response;
export const SAMPLE_COHERE_TOOL_STREAM: string = tools.stream;

/** A thinking item (index 0), a tool plan, then three calls at Cohere indices 1–3; 7 thinking tokens inside output. */
export const SAMPLE_COHERE_THINKING_TOOL_STREAM: string = thinkingTools.stream;
export const SAMPLE_COHERE_THINKING_TOOL_RESPONSE: string = thinkingTools.response;
export const SAMPLE_COHERE_THINKING_TOOL_USAGE: UsageCounts = thinkingTools.usage;
