// Answers a validated Messages request: plans the completion (the same planner every wire uses),
// renders it as one message or as an SSE stream, and returns the bill — partial when a stream broke off.
import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { writeStream } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import type { MessagesCall } from './messages-request.js';
import { encodeMessage, encodeMessageStream } from './messages-encode.js';
import { anthropicUsage } from './usage.js';
import { ANTHROPIC_MID_STREAM_ERROR_FRAME, ANTHROPIC_WIRE } from './wire.js';

function toBill(model: string, u: UsageCounts): Bill {
  return { model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens, reasoningTokens: u.reasoningTokens };
}

export async function answerMessages(
  ex: Exchange,
  call: MessagesCall,
  faults: Readonly<Faults>,
  extraHeaders: readonly string[],
  cacheWrite: number,
): Promise<Bill> {
  const { state } = ex;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: () => state.ids.next('toolu_'),
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = { id: state.ids.next('msg_'), model: call.model };
  const headers = baseHeaders(ex, ANTHROPIC_WIRE);
  for (const h of extraHeaders) headers.push(h);
  if (!call.stream) {
    writeJson(ex.res, 200, encodeMessage(env, plan, anthropicUsage(usage, cacheWrite)), headers);
    return toBill(call.model, usage);
  }
  const frames = encodeMessageStream(env, plan, anthropicUsage(usage, cacheWrite));
  const sent = await writeStream(ex.res, headers, frames, faults, ANTHROPIC_MID_STREAM_ERROR_FRAME);
  if (sent === frames.deltas.length) return toBill(call.model, usage);
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += plan.deltas[i]?.tokens ?? 0;
  return toBill(call.model, settleUsage(call.promptTokens, produced, faults));
}
