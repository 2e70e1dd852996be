// vLLM, Ollama, Groq, DeepSeek, Together, Fireworks, OpenRouter, xAI, Mistral's compatible endpoint:
// the OpenAI wire with an operator-given base_url and an optional key.
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint, ProviderModule, TranslatingProviderModule } from '../types.js';
import { encodeOpenAiCanonicalChat } from '../openai/encode-canonical.js';
import { openAiHeaders, openAiProvider, openAiTranslatingProvider } from '../openai/index.js';
import { mapOpenAiError } from '../openai/map-error.js';

export const openAiCompatibleProvider: ProviderModule = {
  ...openAiProvider,
  type: 'openai-compatible',
  mapError: (ctx) => mapOpenAiError(ctx, 'upstream'),
};

/** Reached from another client wire: the canonical OpenAI encoding; refusals name this type, not `openai`. */
export const openAiCompatibleTranslatingProvider = {
  ...openAiTranslatingProvider,
  type: 'openai-compatible',
  encodeChat: (req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat =>
    encodeOpenAiCanonicalChat(req, model, opts, `openai-compatible/${model}`, { path: `${ep.basePath}/chat/completions`, headers: openAiHeaders(ep) }),
  mapError: openAiCompatibleProvider.mapError,
} satisfies TranslatingProviderModule;
