// Cohere usage → canonical Usage (providers.md §12). `tokens` counts what the model read and wrote
// (the prompt template included); `billed_units` what is charged — read when `tokens` is absent.
// `cached_tokens` (beside both) is a part of the prompt, as in our convention. Cohere reports no
// reasoning count: thinking is inside output_tokens, and reasoningTokens stays 0.
import type { Usage } from '../../core/usage.js';
import { obj } from '../shared/json-fields.js';

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : undefined;
}

export function usageFromCohere(u: unknown): Usage | null {
  const o = obj(u);
  if (o === undefined) return null;
  const tokens = obj(o['tokens']);
  const billed = obj(o['billed_units']);
  if (tokens === undefined && billed === undefined) return null;
  const input = count(tokens?.['input_tokens']) ?? count(billed?.['input_tokens']) ?? 0;
  const output = count(tokens?.['output_tokens']) ?? count(billed?.['output_tokens']) ?? 0;
  return {
    inputTokens: input,
    cachedInputTokens: Math.min(count(o['cached_tokens']) ?? 0, input),
    cacheWriteTokens: 0,
    outputTokens: output,
    reasoningTokens: 0,
  };
}
