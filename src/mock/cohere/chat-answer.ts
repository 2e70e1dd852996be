// Answers a validated Cohere chat request: plans the completion (the planner every wire uses),
// renders it as one response or as an SSE stream, and returns the bill — partial when a stream broke off.
import { randomUUID } from 'node:crypto';
import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { writeStream } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import type { CohereChatCall } from './chat-request.js';
import { encodeChatResponse, encodeChatStream } from './chat-encode.js';
import { COHERE_MID_STREAM_ERROR_FRAME, COHERE_WIRE } from './wire.js';

function toBill(model: string, u: UsageCounts): Bill {
  return { model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens, reasoningTokens: u.reasoningTokens };
}

export async function answerCohereChat(ex: Exchange, call: CohereChatCall, faults: Readonly<Faults>, extraHeaders: readonly string[]): Promise<Bill> {
  const { state } = ex;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: () => state.ids.next('call_'),
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  // Cohere's response ids are UUIDs.
  const env = { id: randomUUID() };
  const headers = baseHeaders(ex, COHERE_WIRE);
  for (const h of extraHeaders) headers.push(h);
  if (!call.stream) {
    writeJson(ex.res, 200, encodeChatResponse(env, plan, usage), headers);
    return toBill(call.model, usage);
  }
  const frames = encodeChatStream(env, plan, usage);
  const sent = await writeStream(ex.res, headers, frames, faults, COHERE_MID_STREAM_ERROR_FRAME);
  if (sent === frames.deltas.length) return toBill(call.model, usage);
  // Tool frames are regrouped call by call, but every tool delta is one token: the sum is the same.
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += plan.deltas[i]?.tokens ?? 0;
  return toBill(call.model, settleUsage(call.promptTokens, produced, faults));
}
