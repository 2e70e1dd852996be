// Anthropic stop_reason → canonical finish reason (providers.md §11). The provider's own word is kept
// beside it (`pause_turn` means "resend to continue"; `refusal` carries stop_details).
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Unknown future reasons end the answer as `stop`, with the provider's word kept for the log. */
export function finishFromAnthropic(stopReason: string): FinishReason {
  return FINISH[stopReason] ?? 'stop';
}
