// Canonical finish reason → Gemini finishReason (providers.md §11, read backwards). Gemini ends
// function calls with STOP. When the upstream spoke Gemini's words (a Gemini deployment, or a
// provider whose reason is also Gemini's, such as MAX_TOKENS), its own reason is kept: SAFETY,
// RECITATION or MALFORMED_FUNCTION_CALL say more than our five reasons can. An answer that ended in
// error is still a finished answer on this wire (Gemini reports MALFORMED_FUNCTION_CALL or OTHER
// in a 200): it is written with that reason, never as a clean STOP. No finish reason at all is
// not an answer and is thrown.
import type { ChatChoice } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';

const GEMINI_REASONS = new Set([
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT',
  'NO_IMAGE',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
]);

export function geminiFinishReason(c: Pick<ChatChoice, 'finishReason' | 'providerFinishReason'>): string {
  if (c.finishReason === null) {
    throw new UpstreamError({ status: 502, message: 'The upstream ended the answer without a finish reason', upstreamCode: c.providerFinishReason ?? null, retryable: false });
  }
  const own = c.providerFinishReason;
  if (own !== undefined && own !== null && GEMINI_REASONS.has(own)) return own;
  switch (c.finishReason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
    default:
      return 'STOP';
  }
}
