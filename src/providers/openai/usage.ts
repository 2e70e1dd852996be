import type { Usage } from '../../core/usage.js';

interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens — as we do. */
export function usageFromOpenAi(u: unknown): Usage | null {
  if (u === null || typeof u !== 'object') return null;
  const o = u as OpenAiUsage;
  return {
    inputTokens: int(o.prompt_tokens),
    cachedInputTokens: int(o.prompt_tokens_details?.cached_tokens),
    cacheWriteTokens: int(o.prompt_tokens_details?.cache_write_tokens),
    outputTokens: int(o.completion_tokens),
    reasoningTokens: int(o.completion_tokens_details?.reasoning_tokens),
  };
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0;
}
