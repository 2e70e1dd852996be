// Canonical Gemini wire samples, rendered by the same planner and encoders the server uses, with fixed
// ids. Tests use them as fixtures without starting a server; samples.test.ts proves they are
// byte-identical to what the server sends (up to ids).
import { planCompletion } from '../completion-plan.js';
import { NO_FAULTS, type Faults } from '../faults.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import type { StreamFrames } from '../stream-writer.js';
import { settleUsage } from '../usage.js';
import { encodeBlockedResponse, encodeGenerateResponse, encodeGenerateStream, sseFrames, type GeminiUsageCounts } from './generate-encode.js';
import { parseGenerateBody } from './generate-request.js';
import { GEMINI_MID_STREAM_ERROR_FRAME } from './wire.js';

export const SAMPLE_GEMINI_MODEL = 'gemini-2.5-flash';
export const SAMPLE_RESPONSE_ID = 'sampleresponse';

/** prompt = ceil((9 + 20) chars / 4) + 3 (system) + 3 (one content) = 14 tokens, as the OpenAI sample. */
export const SAMPLE_GENERATE_REQUEST = JSON.stringify({
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  contents: [{ role: 'user', parts: [{ text: 'What is the capital?' }] }],
});

const DECLARATIONS = [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }, { name: 'get_time', parametersJsonSchema: { type: 'object' } }] }];

export const SAMPLE_GENERATE_TOOL_REQUEST = JSON.stringify({
  contents: [{ role: 'user', parts: [{ text: 'Weather and time in Paris?' }] }],
  tools: DECLARATIONS,
});

/** The tool request asking for thoughts (thinkingConfig.includeThoughts). */
export const SAMPLE_GENERATE_THINKING_REQUEST = JSON.stringify({
  contents: [{ role: 'user', parts: [{ text: 'Weather and time in Paris?' }] }],
  tools: DECLARATIONS,
  generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
});

export interface RenderedGenerateSample {
  readonly response: string;
  /** The whole alt=sse stream. */
  readonly stream: string;
  /** The stream broken by a `data: {"error":…}` chunk after 2 delta chunks. */
  readonly streamWithError: string;
  /** The bytes a client gets when the connection is cut after 2 delta chunks. */
  readonly streamCut: string;
  readonly usage: GeminiUsageCounts;
}

function join(f: StreamFrames, stopAt?: number): string {
  if (stopAt === undefined) return [...f.head, ...f.deltas, ...f.tail].join('');
  return [...f.head, ...f.deltas.slice(0, stopAt)].join('');
}

export function renderGenerateSample(opts: { readonly request: string; readonly faults?: Readonly<Faults> }): RenderedGenerateSample {
  const faults = opts.faults ?? NO_FAULTS;
  const call = parseGenerateBody(opts.request, SAMPLE_GEMINI_MODEL, 'gemini');
  let calls = 0;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? opts.request : undefined,
    newCallId: () => `fc_sample${calls++}`,
  });
  const u = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const usage: GeminiUsageCounts = { promptTokens: u.promptTokens, cachedTokens: u.cachedTokens, candidatesTokens: u.completionTokens - u.reasoningTokens, thoughtsTokens: u.reasoningTokens };
  const env = { responseId: SAMPLE_RESPONSE_ID, modelVersion: call.model };
  const render = { includeThoughts: call.includeThoughts, finishReason: plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP' };
  const frames = sseFrames(encodeGenerateStream(env, plan, usage, render));
  const at = Math.min(2, frames.deltas.length);
  return {
    response: encodeGenerateResponse(env, plan, usage, render),
    stream: join(frames),
    streamWithError: join(frames, at) + GEMINI_MID_STREAM_ERROR_FRAME,
    streamCut: join(frames, at),
    usage,
  };
}

const text = renderGenerateSample({ request: SAMPLE_GENERATE_REQUEST });
const tools = renderGenerateSample({ request: SAMPLE_GENERATE_TOOL_REQUEST, faults: { toolCalls: 2 } });
const thinking = renderGenerateSample({ request: SAMPLE_GENERATE_THINKING_REQUEST, faults: { toolCalls: 3, reasoningTokens: 7 } });
const cached = renderGenerateSample({ request: SAMPLE_GENERATE_REQUEST, faults: { cachedTokens: 5 } });

/** Non-streamed answer: 12 words, STOP, usage 14 prompt + 12 candidates. */
export const SAMPLE_GENERATE_RESPONSE: string = text.response;
export const SAMPLE_GENERATE_STREAM: string = text.stream;
export const SAMPLE_GENERATE_STREAM_MID_ERROR: string = text.streamWithError;
export const SAMPLE_GENERATE_STREAM_CUT: string = text.streamCut;
export const SAMPLE_GENERATE_USAGE: GeminiUsageCounts = text.usage;

/** Two whole function calls (get_weather, get_time) with ids, one chunk each, finishReason STOP. */
export const SAMPLE_FUNCTION_CALL_RESPONSE: string = tools.response;
export const SAMPLE_FUNCTION_CALL_STREAM: string = tools.stream;

/** Two thought chunks, then three calls (the first carrying the thoughtSignature); 7 thoughts beside 15 candidates. */
export const SAMPLE_THINKING_FUNCTION_CALL_STREAM: string = thinking.stream;
export const SAMPLE_THINKING_FUNCTION_CALL_RESPONSE: string = thinking.response;
export const SAMPLE_THINKING_USAGE: GeminiUsageCounts = thinking.usage;

/** The 14-token prompt with 5 of them served from cache (inside promptTokenCount). */
export const SAMPLE_CACHED_RESPONSE: string = cached.response;

/** x-mock-gemini-block: SAFETY on the sample request. */
export const SAMPLE_BLOCKED_RESPONSE: string = JSON.stringify(encodeBlockedResponse({ responseId: SAMPLE_RESPONSE_ID, modelVersion: SAMPLE_GEMINI_MODEL }, 14, 'SAFETY'), null, 2);
