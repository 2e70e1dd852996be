// Cohere finish_reason → canonical (providers.md §11). The provider's own word is kept beside it.
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR: 'error',
  TIMEOUT: 'error',
};

/** Unknown future reasons end the answer as `stop`; the provider's word is kept for the log. */
export function finishFromCohere(reason: string): FinishReason {
  return FINISH[reason] ?? 'stop';
}
