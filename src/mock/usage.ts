// How the simulator counts tokens. No tokenizer: the rule only has to be cheap, deterministic and
// documented, so tests can predict the bill exactly.
//
//   prompt tokens  = ceil(characters of all message text / 4) + 3 per message
//                    (characters = JavaScript string length, i.e. UTF-16 code units; which text counts is
//                    decided per wire, e.g. openai/chat-request.ts)
//   output tokens  = one per streamed delta (one word, or one tool-call fragment); an echoed body counts
//                    ceil(characters / 4)
//   completion     = output tokens + reasoning tokens (reasoning is inside completion, as OpenAI bills it)
//   cached tokens  = the scripted amount, clamped to the prompt (inside prompt, as OpenAI bills it)

import type { Faults } from './faults.js';

export const TOKENS_PER_MESSAGE = 3;

export function tokensForChars(chars: number): number {
  return Math.ceil(chars / 4);
}

export interface UsageCounts {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Inside promptTokens. */
  readonly cachedTokens: number;
  /** Inside completionTokens. */
  readonly reasoningTokens: number;
}

export function settleUsage(promptTokens: number, outputTokens: number, faults: Readonly<Faults>): UsageCounts {
  const reasoningTokens = faults.reasoningTokens ?? 0;
  return {
    promptTokens,
    completionTokens: outputTokens + reasoningTokens,
    cachedTokens: Math.min(faults.cachedTokens ?? 0, promptTokens),
    reasoningTokens,
  };
}
