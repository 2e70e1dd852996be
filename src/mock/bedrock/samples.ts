// Canonical Bedrock Converse wire samples, rendered by the same planner and encoders the server uses,
// with fixed ids and latencyMs 0. Tests use them as fixtures without starting a server; samples.test.ts
// proves the server sends the same messages (up to ids and latency).
import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { settleUsage } from '../usage.js';
import { MID_STREAM_EXCEPTION_MESSAGE } from './converse-answer.js';
import { encodeConverse, encodeConverseStream, type BinaryFrames } from './converse-encode.js';
import { parseConverseBody } from './converse-request.js';
import { bedrockUsage, type BedrockUsageCounts } from './usage.js';

export const SAMPLE_BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** The path the samples are served on: the model id percent-encoded as one segment. */
export const SAMPLE_CONVERSE_PATH = `/model/${encodeURIComponent(SAMPLE_BEDROCK_MODEL)}/converse`;
export const SAMPLE_CONVERSE_STREAM_PATH = `/model/${encodeURIComponent(SAMPLE_BEDROCK_MODEL)}/converse-stream`;

/** prompt = ceil((9 + 20) chars / 4) + 3 (system) + 3 (one message) = 14 tokens, as the other wires' samples. */
export const SAMPLE_CONVERSE_REQUEST = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'What is the capital?' }] }],
  system: [{ text: 'Be brief.' }],
  inferenceConfig: { maxTokens: 1024 },
});

export const SAMPLE_CONVERSE_TOOL_REQUEST = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'Weather and time in Paris?' }] }],
  toolConfig: {
    tools: [
      { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: {} } } } },
      { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: {} } } } },
    ],
  },
});

export interface RenderedConverseSample {
  readonly response: string;
  /** The whole event stream, metadata included. */
  readonly stream: Uint8Array;
  /** Broken by a modelStreamErrorException after 2 delta entries; no messageStop, no metadata. */
  readonly streamWithError: Uint8Array;
  /** The bytes a client gets when the connection is cut after 2 delta entries. */
  readonly streamCut: Uint8Array;
  readonly usage: BedrockUsageCounts;
}

function join(f: BinaryFrames, stopAt?: number, after?: Uint8Array): Uint8Array {
  const parts = stopAt === undefined ? [...f.head, ...f.deltas, ...f.tail] : [...f.head, ...f.deltas.slice(0, stopAt), ...(after ? [after] : [])];
  return Buffer.concat(parts);
}

export function renderConverseSample(opts: { readonly request: string; readonly faults?: Readonly<Faults>; readonly cacheWrite?: number }): RenderedConverseSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseConverseBody(opts.request);
  let calls = 0;
  const plan = planCompletion({
    model: SAMPLE_BEDROCK_MODEL,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => `tooluse_sample${calls++}`,
  });
  const settled = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const usage = bedrockUsage(settled, opts.cacheWrite ?? 0);
  const reasoning = settled.reasoningTokens > 0;
  const frames = encodeConverseStream(plan, usage, reasoning, 0);
  const at = Math.min(2, frames.deltas.length);
  return {
    response: encodeConverse(plan, usage, reasoning, 0),
    stream: join(frames),
    streamWithError: join(frames, at, MID_STREAM_EXCEPTION_MESSAGE),
    streamCut: join(frames, at),
    usage,
  };
}

const text = renderConverseSample({ request: SAMPLE_CONVERSE_REQUEST });
const tools = renderConverseSample({ request: SAMPLE_CONVERSE_TOOL_REQUEST, faults: { toolCalls: 2 } });
const reasoningTools = renderConverseSample({ request: SAMPLE_CONVERSE_TOOL_REQUEST, faults: { toolCalls: 3, reasoningTokens: 7 } });
const cached = renderConverseSample({ request: SAMPLE_CONVERSE_REQUEST, faults: { cachedTokens: 5 }, cacheWrite: 4 });

/** 12 words, end_turn, usage 14 in + 12 out. */
export const SAMPLE_CONVERSE_RESPONSE: string = text.response;
export const SAMPLE_CONVERSE_STREAM: Uint8Array = text.stream;
export const SAMPLE_CONVERSE_STREAM_MID_ERROR: Uint8Array = text.streamWithError;
export const SAMPLE_CONVERSE_STREAM_CUT: Uint8Array = text.streamCut;
export const SAMPLE_CONVERSE_USAGE: BedrockUsageCounts = text.usage;

/** Two toolUse blocks (get_weather, get_time) at block indices 0 and 1, stopReason tool_use. */
export const SAMPLE_TOOL_USE_RESPONSE: string = tools.response;
export const SAMPLE_TOOL_USE_STREAM: Uint8Array = tools.stream;

/** A reasoning block (index 0, signed) then three toolUse blocks (indices 1–3); 7 reasoning tokens inside outputTokens. */
export const SAMPLE_REASONING_TOOL_USE_RESPONSE: string = reasoningTools.response;
export const SAMPLE_REASONING_TOOL_USE_STREAM: Uint8Array = reasoningTools.stream;

/** 14-token prompt reported as inputTokens 5 + cacheReadInputTokens 5 + cacheWriteInputTokens 4. */
export const SAMPLE_CACHED_RESPONSE: string = cached.response;
export const SAMPLE_CACHED_USAGE: BedrockUsageCounts = cached.usage;
