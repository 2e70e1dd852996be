// Answers a validated chat request (OpenAI or Azure route): plans the completion, renders it as one
// JSON body or as a stream, and returns the bill — partial when a stream broke off.

import { planCompletion } from '../completion-plan.js';
import { baseHeaders, type Exchange } from '../exchange.js';
import type { Faults } from '../faults.js';
import { writeJson } from '../http-io.js';
import type { Bill } from '../ledger.js';
import { writeStream } from '../stream-writer.js';
import { settleUsage, type UsageCounts } from '../usage.js';
import type { WireSpec } from '../wire.js';
import { messageChars, type ChatCall } from './chat-request.js';
import { encodeChatStream, encodeCompletion, type ChatFlavor } from './chat-encode.js';

export const DEFAULT_OUTPUT_TOKENS = 12;
export const SYSTEM_FINGERPRINT = 'fp_tollgate_mock';

export interface ChatAnswerOptions {
  readonly wire: WireSpec;
  readonly flavor: ChatFlavor;
  /** `model` in the response (the requested model; Azure: the deployment). */
  readonly responseModel: string;
  /** The ledger key. */
  readonly billModel: string;
}

function toBill(model: string, u: UsageCounts): Bill {
  return {
    model,
    promptTokens: u.promptTokens,
    completionTokens: u.completionTokens,
    cachedTokens: u.cachedTokens,
    reasoningTokens: u.reasoningTokens,
  };
}

export async function answerChat(
  ex: Exchange,
  call: ChatCall,
  faults: Readonly<Faults>,
  extraHeaders: readonly string[],
  opts: ChatAnswerOptions,
): Promise<Bill> {
  const { state } = ex;
  const plan = planCompletion({
    model: opts.responseModel,
    outputTokens: faults.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    maxTokens: call.maxTokens,
    reasoningTokens: faults.reasoningTokens ?? 0,
    toolCalls: faults.toolCalls ?? 0,
    toolNames: call.toolNames,
    echo: faults.echo === true ? ex.body : undefined,
    newCallId: () => state.ids.next('call_'),
  });
  if (faults.prefixCache === true) {
    faults = { ...faults, cachedTokens: state.prefixCache.lookupAndStore(opts.billModel, call.messages, messageChars) };
  }
  const usage = settleUsage(call.promptTokens, plan.outputTokens, faults);
  const env = {
    id: state.ids.next('chatcmpl-'),
    created: Math.floor(ex.started / 1000),
    model: opts.responseModel,
    systemFingerprint: SYSTEM_FINGERPRINT,
  };
  const headers = baseHeaders(ex, opts.wire);
  for (const h of extraHeaders) headers.push(h);

  if (!call.stream) {
    writeJson(ex.res, 200, encodeCompletion(env, plan, usage, opts.flavor), headers);
    return toBill(opts.billModel, usage);
  }
  const frames = encodeChatStream(env, plan, call.includeUsage ? usage : undefined, opts.flavor);
  const sent = await writeStream(ex.res, headers, frames, faults, `data: ${opts.wire.midStreamError}\n\n`);
  if (sent === plan.deltas.length) return toBill(opts.billModel, usage);
  let produced = 0;
  for (let i = 0; i < sent; i++) produced += plan.deltas[i]?.tokens ?? 0;
  return toBill(opts.billModel, settleUsage(call.promptTokens, produced, faults));
}
