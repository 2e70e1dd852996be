// Answers a validated Mistral chat request: plans the completion (the planner every wire uses),
// renders it as one completion or as an SSE stream, and returns the bill — partial when a stream broke off.
import { randomBytes } from 'node:crypto';
import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { DEFAULT_OUTPUT_TOKENS } from '../openai/chat-answer.js';
import { writeStream } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import { callTokens, encodeChatCompletion, encodeChatStream } from './chat-encode.js';
import type { MistralChatCall } from './chat-request.js';
import { MISTRAL_MID_STREAM_ERROR_FRAME, MISTRAL_WIRE } from './wire.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Mistral's tool-call ids: 9 characters [a-zA-Z0-9]. Random: unique enough, never sequential. */
export function mistralToolCallId(): string {
  let id = '';
  for (const b of randomBytes(9)) id += ALPHABET[b % ALPHABET.length];
  return id;
}

function toBill(model: string, u: UsageCounts): Bill {
  return { model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens, reasoningTokens: u.reasoningTokens };
}

export async function answerMistralChat(ex: Exchange, call: MistralChatCall, faults: Readonly<Faults>, extraHeaders: readonly string[]): Promise<Bill> {
  const { state } = ex;
  const plan = planCompletion({
    model: call.model,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: mistralToolCallId,
  });
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = { id: state.ids.next(''), created: Math.floor(ex.started / 1000), model: call.model };
  const headers = baseHeaders(ex, MISTRAL_WIRE);
  for (const h of extraHeaders) headers.push(h);
  if (!call.stream) {
    writeJson(ex.res, 200, encodeChatCompletion(env, plan, usage), headers);
    return toBill(call.model, usage);
  }
  const frames = encodeChatStream(env, plan, usage);
  const sent = await writeStream(ex.res, headers, frames, faults, MISTRAL_MID_STREAM_ERROR_FRAME);
  if (sent === frames.deltas.length) return toBill(call.model, usage);
  const worth = plan.calls.length === 0 ? plan.deltas.map((d) => d.tokens) : callTokens(plan);
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += worth[i] ?? 0;
  return toBill(call.model, settleUsage(call.promptTokens, produced, faults));
}
