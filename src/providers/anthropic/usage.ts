// Anthropic usage → canonical Usage (providers.md §12). Anthropic counts cache reads and cache writes
// BESIDE input_tokens; our convention (core/usage.ts) counts them inside the prompt, so
// inputTokens = input_tokens + cache_creation_input_tokens + cache_read_input_tokens.
// output_tokens already includes thinking; thinking_tokens (when sent) is the "of which".
import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './wire-types.js';

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : undefined;
}

/** The fields as Anthropic reports them, each undefined when absent or null. */
export interface AnthropicCounts {
  readonly input: number | undefined;
  readonly cacheWrite: number | undefined;
  readonly cacheRead: number | undefined;
  readonly output: number | undefined;
  readonly thinking: number | undefined;
}

export function readCounts(u: unknown): AnthropicCounts | undefined {
  if (u === null || typeof u !== 'object') return undefined;
  const o = u as AnthropicUsage;
  return {
    input: count(o.input_tokens),
    cacheWrite: count(o.cache_creation_input_tokens),
    cacheRead: count(o.cache_read_input_tokens),
    output: count(o.output_tokens),
    thinking: count(o.output_tokens_details?.thinking_tokens),
  };
}

/**
 * Streams report usage twice: `message_start` (input side, a provisional output count) and a
 * cumulative `message_delta`. A later field replaces an earlier one; nothing is ever added up.
 */
export function mergeCounts(earlier: AnthropicCounts | undefined, later: AnthropicCounts): AnthropicCounts {
  if (earlier === undefined) return later;
  return {
    input: later.input ?? earlier.input,
    cacheWrite: later.cacheWrite ?? earlier.cacheWrite,
    cacheRead: later.cacheRead ?? earlier.cacheRead,
    output: later.output ?? earlier.output,
    thinking: later.thinking ?? earlier.thinking,
  };
}

export function usageFromCounts(c: AnthropicCounts): Usage {
  const cacheWrite = c.cacheWrite ?? 0;
  const cacheRead = c.cacheRead ?? 0;
  const output = c.output ?? 0;
  return {
    inputTokens: (c.input ?? 0) + cacheWrite + cacheRead,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: output,
    reasoningTokens: Math.min(c.thinking ?? 0, output),
  };
}

export function usageFromAnthropic(u: unknown): Usage | null {
  const c = readCounts(u);
  return c === undefined ? null : usageFromCounts(c);
}
