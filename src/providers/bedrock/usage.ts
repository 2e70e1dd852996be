// Bedrock usage → canonical Usage (providers.md §12). Bedrock counts cache reads and writes BESIDE
// inputTokens; our convention (core/usage.ts) counts them inside the prompt, so
// inputTokens = inputTokens + cacheReadInputTokens + cacheWriteInputTokens. outputTokens includes
// reasoning, which Bedrock does not split out: reasoningTokens stays 0 (unknown, never guessed).
import type { Usage } from '../../core/usage.js';

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0;
}

export function usageFromBedrock(u: unknown): Usage | null {
  if (u === null || typeof u !== 'object') return null;
  const o = u as Record<string, unknown>;
  const cacheRead = count(o['cacheReadInputTokens']);
  const cacheWrite = count(o['cacheWriteInputTokens']);
  return {
    inputTokens: count(o['inputTokens']) + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: count(o['outputTokens']),
    reasoningTokens: 0,
  };
}
