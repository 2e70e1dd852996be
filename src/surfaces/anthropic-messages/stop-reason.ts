// Canonical finish reason → Anthropic stop_reason (providers.md §11, read backwards). When the
// provider was Anthropic (or spoke its words), its own reason is kept: pause_turn, refusal,
// stop_sequence and model_context_window_exceeded say more than our five reasons can.
import type { ChatChoice } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';

const ANTHROPIC_REASONS = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded']);

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** The stop_reason for a finished choice, or the error that must reach the client instead. */
export function anthropicStopReason(c: Pick<ChatChoice, 'finishReason' | 'providerFinishReason'>): AnthropicStopReason {
  const own = c.providerFinishReason;
  if (c.finishReason === null || c.finishReason === 'error') {
    const why = own ?? (c.finishReason === null ? 'no finish reason' : 'error');
    throw new UpstreamError({ status: 502, message: `The upstream ended the answer without success (${why})`, upstreamCode: own ?? null, retryable: false });
  }
  if (own !== undefined && own !== null && ANTHROPIC_REASONS.has(own)) return own as AnthropicStopReason;
  switch (c.finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
