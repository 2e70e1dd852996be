// Answers a validated Converse request: plans the completion (the planner every wire uses), renders it
// as one JSON answer or as a binary event stream, and returns the bill — partial when a stream broke off.
import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import { encodeConverse, encodeConverseStream, exceptionMessage } from './converse-encode.js';
import type { ConverseCall } from './converse-request.js';
import { writeEventStream } from './event-stream-writer.js';
import { bedrockUsage } from './usage.js';
import { BEDROCK_WIRE, MID_STREAM_ERROR, MID_STREAM_EXCEPTION } from './wire.js';

export interface ConverseTarget {
  /** The model id from the path, decoded. */
  readonly modelId: string;
  readonly stream: boolean;
  /** x-mock-cache-write-tokens. */
  readonly cacheWrite: number;
}

function toBill(model: string, u: UsageCounts): Bill {
  return { model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens, reasoningTokens: u.reasoningTokens };
}

export const MID_STREAM_EXCEPTION_MESSAGE = exceptionMessage(MID_STREAM_EXCEPTION, MID_STREAM_ERROR);

export async function answerConverse(ex: Exchange, call: ConverseCall, target: ConverseTarget, faults: Readonly<Faults>, extraHeaders: readonly string[]): Promise<Bill> {
  const { state } = ex;
  const plan = planCompletion({
    model: target.modelId,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: () => state.ids.next('tooluse_'),
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const reported = bedrockUsage(usage, target.cacheWrite);
  const reasoning = usage.reasoningTokens > 0;
  const headers = baseHeaders(ex, BEDROCK_WIRE);
  for (const h of extraHeaders) headers.push(h);
  const latencyMs = Date.now() - ex.started;
  if (!target.stream) {
    writeJson(ex.res, 200, encodeConverse(plan, reported, reasoning, latencyMs), headers);
    return toBill(target.modelId, usage);
  }
  const frames = encodeConverseStream(plan, reported, reasoning, latencyMs);
  const sent = await writeEventStream(ex.res, headers, frames, faults, MID_STREAM_EXCEPTION_MESSAGE);
  if (sent === frames.deltas.length) return toBill(target.modelId, usage);
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += plan.deltas[i]?.tokens ?? 0;
  return toBill(target.modelId, settleUsage(call.promptTokens, produced, faults));
}
