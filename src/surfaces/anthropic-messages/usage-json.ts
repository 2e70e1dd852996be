// Canonical Usage → Anthropic `usage` (providers.md §12). Our inputTokens is the whole prompt;
// Anthropic counts cache reads and writes BESIDE input_tokens, so they are taken out of it.
import type { Usage } from '../../core/usage.js';

export interface AnthropicUsageJson {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export function anthropicUsage(u: Usage): AnthropicUsageJson {
  return {
    input_tokens: Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens),
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedInputTokens,
    output_tokens: u.outputTokens,
  };
}
