import type { Wire } from '../core/chat.js';
import { isTranslating, type AnyProviderModule, type ProviderType, type TranslatingProviderModule } from './types.js';
import { anthropicProvider } from './anthropic/index.js';
import { anthropicRelayProvider } from './anthropic/relay.js';
import { openAiProvider, openAiTranslatingProvider } from './openai/index.js';
import { azureProvider, azureTranslatingProvider } from './azure/index.js';
import { openAiCompatibleProvider, openAiCompatibleTranslatingProvider } from './openai-compatible/index.js';

/** Every provider type has exactly one module. (Partial while adapters land; config accepts only those present.) */
export const PROVIDERS: Partial<Record<ProviderType, AnyProviderModule>> = {
  openai: openAiProvider,
  azure: azureProvider,
  'openai-compatible': openAiCompatibleProvider,
  anthropic: anthropicRelayProvider,
};

export function providerModule(type: ProviderType): AnyProviderModule {
  const m = PROVIDERS[type];
  if (m === undefined) throw new Error(`provider type '${type}' has no adapter`);
  return m;
}

/** How same-wire providers are reached from another client wire. */
const TRANSLATORS: Partial<Record<ProviderType, TranslatingProviderModule>> = {
  openai: openAiTranslatingProvider,
  azure: azureTranslatingProvider,
  'openai-compatible': openAiCompatibleTranslatingProvider,
  anthropic: anthropicProvider,
};

/**
 * The translator a request from `sourceWire` needs for this provider, or undefined when the
 * provider speaks that wire and the body is relayed. Providers that only translate (Gemini,
 * Bedrock, Cohere, Mistral) always translate.
 */
export function translatorFor(type: ProviderType, sourceWire: Wire): TranslatingProviderModule | undefined {
  const m = providerModule(type);
  if (isTranslating(m)) return m;
  return m.chatWire === sourceWire ? undefined : TRANSLATORS[type];
}
