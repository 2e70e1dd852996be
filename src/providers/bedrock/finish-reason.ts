// Bedrock stopReason → canonical finish reason (providers.md §11). The provider's own word is kept
// beside it. Malformed model output or tool use is an error (the answer cannot be trusted), never a
// clean stop.
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
};

/** Unknown future reasons end the answer as `stop`, with the provider's word kept for the log. */
export function finishFromBedrock(stopReason: string): FinishReason {
  return FINISH[stopReason] ?? 'stop';
}
