// Answers a validated generateContent / streamGenerateContent request: plans the completion (the planner
// every wire uses), renders it as one response, an SSE stream or a streamed JSON array, and returns the
// bill — partial when a stream broke off; nothing for a blocked prompt (no answer was produced).
import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { writeStream } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import type { WireSpec } from '../wire.js';
import { writeArrayStream } from './array-stream.js';
import type { GeminiFaults } from './gemini-faults.js';
import { encodeBlockedResponse, encodeGenerateResponse, encodeGenerateStream, sseFrames, type GeminiUsageCounts, type ResponseEnvelope } from './generate-encode.js';
import type { GenerateCall } from './generate-request.js';
import { GEMINI_MID_STREAM_ERROR, GEMINI_MID_STREAM_ERROR_FRAME } from './wire.js';

/** json: generateContent; sse: streamGenerateContent?alt=sse; array: streamGenerateContent without it. */
export type AnswerMode = 'json' | 'sse' | 'array';

function toBill(model: string, u: UsageCounts): Bill {
  return { model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens, reasoningTokens: u.reasoningTokens };
}

function geminiUsage(u: UsageCounts): GeminiUsageCounts {
  return { promptTokens: u.promptTokens, cachedTokens: u.cachedTokens, candidatesTokens: u.completionTokens - u.reasoningTokens, thoughtsTokens: u.reasoningTokens };
}

export async function answerGenerate(
  ex: Exchange,
  wire: WireSpec,
  call: GenerateCall,
  mode: AnswerMode,
  faults: Readonly<Faults>,
  gemini: GeminiFaults,
  extraHeaders: readonly string[],
): Promise<Bill | undefined> {
  const { state } = ex;
  const env: ResponseEnvelope = { responseId: state.ids.next(''), modelVersion: call.model };
  const headers = baseHeaders(ex, wire);
  for (const h of extraHeaders) headers.push(h);

  if (gemini.block !== undefined) {
    const blocked = encodeBlockedResponse(env, call.promptTokens, gemini.block);
    if (mode === 'json') writeJson(ex.res, 200, JSON.stringify(blocked, null, 2), headers);
    else if (mode === 'sse') await writeStream(ex.res, headers, { head: [`data: ${JSON.stringify(blocked)}\n\n`], deltas: [], tail: [] }, faults, GEMINI_MID_STREAM_ERROR_FRAME);
    else await writeArrayStream(ex.res, headers, { head: [JSON.stringify(blocked)], deltas: [], tail: [] }, faults, GEMINI_MID_STREAM_ERROR);
    return undefined;
  }

  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: () => state.ids.next('fc_'),
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const render = { includeThoughts: call.includeThoughts, finishReason: gemini.finish ?? (plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP') };
  if (mode === 'json') {
    writeJson(ex.res, 200, encodeGenerateResponse(env, plan, geminiUsage(usage), render), headers);
    return toBill(call.model, usage);
  }
  const chunks = encodeGenerateStream(env, plan, geminiUsage(usage), render);
  const sent =
    mode === 'sse'
      ? await writeStream(ex.res, headers, sseFrames(chunks), faults, GEMINI_MID_STREAM_ERROR_FRAME)
      : await writeArrayStream(ex.res, headers, chunks, faults, GEMINI_MID_STREAM_ERROR);
  if (sent === chunks.deltas.length) return toBill(call.model, usage);
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += chunks.deltaTokens[i] ?? 0;
  return toBill(call.model, settleUsage(call.promptTokens, produced, faults));
}
