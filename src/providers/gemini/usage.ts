// Gemini usageMetadata → canonical Usage (providers.md §12). Gemini counts cached tokens INSIDE
// promptTokenCount (our convention too) and reports thoughts BESIDE candidatesTokenCount, so:
//   inputTokens     = promptTokenCount + toolUsePromptTokenCount (tool results fed back are prompt)
//   cachedInput     = cachedContentTokenCount
//   outputTokens    = candidatesTokenCount + thoughtsTokenCount
//   reasoningTokens = thoughtsTokenCount
// Cache writes are storage-billed on Gemini, never per request: 0.
import type { Usage } from '../../core/usage.js';
import type { GeminiUsageMetadata } from './wire-types.js';

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0;
}

export function usageFromGemini(u: unknown): Usage | null {
  if (u === null || typeof u !== 'object' || Array.isArray(u)) return null;
  const m = u as GeminiUsageMetadata;
  const thoughts = count(m.thoughtsTokenCount);
  const input = count(m.promptTokenCount) + count(m.toolUsePromptTokenCount);
  return {
    inputTokens: input,
    cachedInputTokens: Math.min(count(m.cachedContentTokenCount), input),
    cacheWriteTokens: 0,
    outputTokens: count(m.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}
