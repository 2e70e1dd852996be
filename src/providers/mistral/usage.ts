// Mistral usage → canonical Usage (providers.md §8, §12). OpenAI's convention: cached tokens inside
// prompt_tokens, reasoning inside completion_tokens. Mistral reports cache hits as
// `prompt_tokens_details.cached_tokens` (older answers: `prompt_token_details`, `num_cached_tokens`)
// and reasoning as `completion_tokens_details.reasoning_tokens`; all are optional.
import type { Usage } from '../../core/usage.js';
import { obj } from '../shared/json-fields.js';

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : undefined;
}

export function usageFromMistral(u: unknown): Usage | null {
  const o = obj(u);
  if (o === undefined) return null;
  const input = count(o['prompt_tokens']) ?? 0;
  const output = count(o['completion_tokens']) ?? 0;
  const cached =
    count(obj(o['prompt_tokens_details'])?.['cached_tokens']) ?? count(obj(o['prompt_token_details'])?.['cached_tokens']) ?? count(o['num_cached_tokens']) ?? 0;
  const reasoning = count(obj(o['completion_tokens_details'])?.['reasoning_tokens']) ?? 0;
  return {
    inputTokens: input,
    cachedInputTokens: Math.min(cached, input),
    cacheWriteTokens: 0,
    outputTokens: output,
    reasoningTokens: Math.min(reasoning, output),
  };
}
