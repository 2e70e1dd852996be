// OpenAI finish_reason → canonical (providers.md §11). OpenAI's words are ours, plus the legacy
// `function_call`; other OpenAI-compatible servers' words (Together `eos`, DeepSeek
// `insufficient_system_resource`, Mistral `model_length`/`error`) are mapped per the table.
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  eos: 'stop',
  model_length: 'length',
  error: 'error',
  insufficient_system_resource: 'error',
};

/** Unknown reasons end the answer as `stop`; the provider's word is kept beside it. */
export function finishFromOpenAi(reason: string): FinishReason {
  return FINISH[reason] ?? 'stop';
}
