// Canonical Usage → OpenAI `usage` (providers.md §1, §12). Our convention already matches OpenAI's:
// cached reads and cache writes are inside prompt_tokens, reasoning inside completion_tokens.
import type { Usage } from '../../core/usage.js';

export interface OpenAiUsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export function openAiUsage(u: Usage): OpenAiUsageJson {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    // cache_write_tokens is new on OpenAI's wire; sent only when there were writes.
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens, ...(u.cacheWriteTokens > 0 ? { cache_write_tokens: u.cacheWriteTokens } : {}) },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}
