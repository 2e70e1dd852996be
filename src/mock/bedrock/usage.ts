// The simulator's token rules (../usage.ts) in Bedrock's terms: the same prompt total, split so that
// cache reads (x-mock-cached-tokens) and cache writes (x-mock-cache-write-tokens, shared with the
// Anthropic wire) are reported BESIDE inputTokens: inputTokens + cacheRead + cacheWrite = the prompt.
// Reasoning (x-mock-reasoning-tokens) is inside outputTokens and, as on Bedrock, not reported apart.
import type { UsageCounts } from '../usage.js';

export { cacheWriteTokens } from '../anthropic/usage.js';

export interface BedrockUsageCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheWriteInputTokens: number;
}

export function bedrockUsage(u: UsageCounts, cacheWrite: number): BedrockUsageCounts {
  const write = Math.min(cacheWrite, u.promptTokens - u.cachedTokens);
  return {
    inputTokens: u.promptTokens - u.cachedTokens - write,
    outputTokens: u.completionTokens,
    cacheReadInputTokens: u.cachedTokens,
    cacheWriteInputTokens: write,
  };
}

/** The `usage` object: cache fields only when caching was involved, as Bedrock sends them. */
export function usageJson(u: BedrockUsageCounts): string {
  const total = u.inputTokens + u.outputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens;
  const cache =
    u.cacheReadInputTokens > 0 || u.cacheWriteInputTokens > 0
      ? `,"cacheReadInputTokens":${u.cacheReadInputTokens},"cacheWriteInputTokens":${u.cacheWriteInputTokens}`
      : '';
  return `{"inputTokens":${u.inputTokens},"outputTokens":${u.outputTokens},"totalTokens":${total}${cache}}`;
}
