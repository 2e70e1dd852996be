// The simulator's token rules (../usage.ts) in Anthropic's terms: the same prompt total, split so that
// cache reads (x-mock-cached-tokens) and cache writes (x-mock-cache-write-tokens, Anthropic only)
// are reported BESIDE input_tokens; input + cache_read + cache_write = the prompt. Thinking
// (x-mock-reasoning-tokens) is inside output_tokens.
import type { IncomingHttpHeaders } from 'node:http';
import { MockFaultError } from '../faults.js';
import type { UsageCounts } from '../usage.js';
import type { AnthropicUsageCounts } from './messages-encode.js';

export const CACHE_WRITE_HEADER = 'x-mock-cache-write-tokens';

/** x-mock-cache-write-tokens: N (header only; not a fault rule field). Malformed → 400, never ignored. */
export function cacheWriteTokens(headers: IncomingHttpHeaders): number {
  const raw = headers[CACHE_WRITE_HEADER];
  if (raw === undefined) return 0;
  const v = Array.isArray(raw) ? raw.join(', ') : raw;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000_000) throw new MockFaultError(CACHE_WRITE_HEADER, v, 'a non-negative integer');
  return n;
}

export function anthropicUsage(u: UsageCounts, cacheWrite: number): AnthropicUsageCounts {
  const write = Math.min(cacheWrite, u.promptTokens - u.cachedTokens);
  return {
    inputTokens: u.promptTokens - u.cachedTokens - write,
    cacheReadTokens: u.cachedTokens,
    cacheWriteTokens: write,
    outputTokens: u.completionTokens,
    thinkingTokens: u.reasoningTokens,
  };
}
