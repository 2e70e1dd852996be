// Mistral finish_reason → canonical (providers.md §8, §11): OpenAI's words, plus `model_length`
// (the context window ran out: the answer is cut, like `length`) and `error`.
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  model_length: 'length',
  tool_calls: 'tool_calls',
  error: 'error',
};

/** Unknown reasons end the answer as `stop`; the provider's word is kept beside it. */
export function finishFromMistral(reason: string): FinishReason {
  return FINISH[reason] ?? 'stop';
}
