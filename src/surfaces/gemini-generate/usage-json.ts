// Canonical Usage → Gemini `usageMetadata` (providers.md §12). Gemini counts cached tokens INSIDE
// promptTokenCount, as we do, but thoughts BESIDE candidatesTokenCount, where our outputTokens
// holds them: they are taken out. Cache writes have no Gemini field (they stay in the prompt).
// Zero "of which" counts are left out, as Gemini leaves them out.
import type { Usage } from '../../core/usage.js';

export interface GeminiUsageJson {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export function geminiUsage(u: Usage): GeminiUsageJson {
  return {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: Math.max(0, u.outputTokens - u.reasoningTokens),
    totalTokenCount: u.inputTokens + u.outputTokens,
    ...(u.cachedInputTokens > 0 ? { cachedContentTokenCount: u.cachedInputTokens } : {}),
    ...(u.reasoningTokens > 0 ? { thoughtsTokenCount: u.reasoningTokens } : {}),
  };
}
