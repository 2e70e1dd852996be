// When a provider billed output it never reported (a stream cut before its usage chunk, a server
// that ignores include_usage), the gateway bills its own estimate rather than nothing (M10): the
// prompt by the tokenizer plus one token per output chunk seen. An estimate is never silent: the
// caller counts it, logs it, and marks the ledger row.
import type { Usage } from '../core/usage.js';
import type { RequestKind } from './request-context.js';

export async function estimatedUsage(request: RequestKind, outputChunks: number): Promise<Usage> {
  // Loaded lazily, like admission's: a gateway that never needs an estimate never loads the tokenizer.
  const { estimateChatInputTokens } = await import('../policy/token-estimate.js');
  const input = request.kind === 'chat' ? await estimateChatInputTokens(request.req) : 0;
  return { inputTokens: input, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: outputChunks, reasoningTokens: 0 };
}
