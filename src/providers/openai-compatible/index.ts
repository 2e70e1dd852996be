// vLLM, Ollama, Groq, DeepSeek, Together, Fireworks, OpenRouter, xAI, Mistral's compatible endpoint:
// the OpenAI wire with an operator-given base_url and an optional key.
import type { ProviderModule, TranslatingProviderModule } from '../types.js';
import { openAiProvider, openAiTranslatingProvider } from '../openai/index.js';
import { mapOpenAiError } from '../openai/map-error.js';

export const openAiCompatibleProvider: ProviderModule = {
  ...openAiProvider,
  type: 'openai-compatible',
  mapError: (ctx) => mapOpenAiError(ctx, 'upstream'),
};

/** Reached from another client wire: the canonical OpenAI encoding. */
export const openAiCompatibleTranslatingProvider = {
  ...openAiTranslatingProvider,
  type: 'openai-compatible',
  mapError: openAiCompatibleProvider.mapError,
} satisfies TranslatingProviderModule;
