// Token usage normalised across providers. Convention (one for the whole codebase):
// `inputTokens` is the TOTAL prompt, including cached reads and cache writes (OpenAI/Gemini count
// them inside; Anthropic/Bedrock beside — their decoders add them in). `outputTokens` includes
// reasoning. The *Tokens "of which" fields are subsets and never added again.

export interface Usage {
  readonly inputTokens: number;
  /** of inputTokens: served from the provider's prompt cache (cheaper). */
  readonly cachedInputTokens: number;
  /** of inputTokens: written to the provider's prompt cache (dearer on some providers). */
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  /** of outputTokens: spent on reasoning/thinking. */
  readonly reasoningTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
