// Gemini finishReason → canonical finish reason (providers.md §11). The provider's own word is kept
// beside it. Function calls end with STOP like any answer, so `tool_calls` is derived from the parts.
import type { FinishReason } from '../../core/chat.js';

const FINISH: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  // Stopped at the per-request token limit, resumable with a continuation token: truncated.
  CONTINUATION: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  MODEL_ARMOR: 'content_filter',
  JAILBREAK: 'content_filter',
  // The model broke the tool-calling contract: no usable answer (§11 "error").
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
  // No equivalent (§11 "stop + warning"): the answer ends; the provider's word says why.
  LANGUAGE: 'stop',
  OTHER: 'stop',
  NO_IMAGE: 'stop',
  IMAGE_OTHER: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
};

/** Unknown future reasons end the answer as `stop`, with the provider's word kept for the log. */
export function finishFromGemini(reason: string, hasToolCalls: boolean): FinishReason {
  const f = FINISH[reason] ?? 'stop';
  return reason === 'STOP' && hasToolCalls ? 'tool_calls' : f;
}
