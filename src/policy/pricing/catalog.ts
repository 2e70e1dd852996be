// Built-in list prices in USD per 1M tokens (standard tier, text, short context), as published by
// the providers in 2025–2026. Config `pricing:` overrides any entry. Keep the source of each row
// current; a stale price makes spend disagree with the provider's bill.
//
// Classes left out are billed at the input price (cached_input, cache_write) or the output price
// (reasoning) — see cost.ts. Every model listed here bills reasoning (thinking) tokens as output, so
// none sets `reasoning`; a model that prices them differently sets it.

export interface CatalogPrice {
  readonly input: string;
  readonly output: string;
  readonly cached_input?: string;
  readonly cache_write?: string;
  readonly reasoning?: string;
  readonly max_output_tokens: number;
}

export const PRICE_CATALOG: Readonly<Record<string, CatalogPrice>> = {
  // OpenAI
  'gpt-4o': { input: '2.5', cached_input: '1.25', output: '10', max_output_tokens: 16_384 },
  'gpt-4o-mini': { input: '0.15', cached_input: '0.075', output: '0.6', max_output_tokens: 16_384 },
  'gpt-4.1': { input: '2', cached_input: '0.5', output: '8', max_output_tokens: 32_768 },
  'gpt-4.1-mini': { input: '0.4', cached_input: '0.1', output: '1.6', max_output_tokens: 32_768 },
  'gpt-4.1-nano': { input: '0.1', cached_input: '0.025', output: '0.4', max_output_tokens: 32_768 },
  'gpt-5': { input: '1.25', cached_input: '0.125', output: '10', max_output_tokens: 128_000 },
  'gpt-5-mini': { input: '0.25', cached_input: '0.025', output: '2', max_output_tokens: 128_000 },
  'gpt-5-nano': { input: '0.05', cached_input: '0.005', output: '0.4', max_output_tokens: 128_000 },
  'gpt-5.1': { input: '1.25', cached_input: '0.125', output: '10', max_output_tokens: 128_000 },
  o3: { input: '2', cached_input: '0.5', output: '8', max_output_tokens: 100_000 },
  'o4-mini': { input: '1.1', cached_input: '0.275', output: '4.4', max_output_tokens: 100_000 },
  'o3-mini': { input: '1.1', cached_input: '0.55', output: '4.4', max_output_tokens: 100_000 },
  'text-embedding-3-small': { input: '0.02', output: '0', max_output_tokens: 1 },
  'text-embedding-3-large': { input: '0.13', output: '0', max_output_tokens: 1 },
  // Anthropic (cache write = 5-minute TTL price)
  'claude-opus-4-5': { input: '5', cached_input: '0.5', cache_write: '6.25', output: '25', max_output_tokens: 64_000 },
  'claude-opus-4-1': { input: '15', cached_input: '1.5', cache_write: '18.75', output: '75', max_output_tokens: 32_000 },
  'claude-sonnet-4-5': { input: '3', cached_input: '0.3', cache_write: '3.75', output: '15', max_output_tokens: 64_000 },
  'claude-sonnet-4': { input: '3', cached_input: '0.3', cache_write: '3.75', output: '15', max_output_tokens: 64_000 },
  'claude-haiku-4-5': { input: '1', cached_input: '0.1', cache_write: '1.25', output: '5', max_output_tokens: 64_000 },
  'claude-3-5-haiku': { input: '0.8', cached_input: '0.08', cache_write: '1', output: '4', max_output_tokens: 8_192 },
  // Google (prompts ≤ 200k tokens)
  'gemini-2.5-pro': { input: '1.25', cached_input: '0.31', output: '10', max_output_tokens: 65_536 },
  'gemini-2.5-flash': { input: '0.3', cached_input: '0.075', output: '2.5', max_output_tokens: 65_536 },
  'gemini-2.5-flash-lite': { input: '0.1', cached_input: '0.025', output: '0.4', max_output_tokens: 65_536 },
  'gemini-2.0-flash': { input: '0.1', cached_input: '0.025', output: '0.4', max_output_tokens: 8_192 },
  // Mistral
  'mistral-large-latest': { input: '2', output: '6', max_output_tokens: 32_768 },
  'mistral-small-latest': { input: '0.1', output: '0.3', max_output_tokens: 32_768 },
};
