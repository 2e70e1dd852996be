import type { Wire } from '../core/chat.js';
import { isTranslating, type AnyProviderModule, type ProviderType, type TranslatingProviderModule } from './types.js';
import { anthropicProvider } from './anthropic/index.js';
import { anthropicRelayProvider } from './anthropic/relay.js';
import { openAiProvider, openAiTranslatingProvider } from './openai/index.js';
import { azureProvider, azureTranslatingProvider } from './azure/index.js';
import { openAiCompatibleProvider, openAiCompatibleTranslatingProvider } from './openai-compatible/index.js';
import { geminiProvider, vertexProvider } from './gemini/index.js';
import { bedrockProvider } from './bedrock/index.js';
import { cohereProvider } from './cohere/index.js';
import { mistralProvider } from './mistral/index.js';

/** Every provider type has exactly one module. */
export const PROVIDERS = {
  openai: openAiProvider,
  azure: azureProvider,
  'openai-compatible': openAiCompatibleProvider,
  anthropic: anthropicRelayProvider,
  gemini: geminiProvider,
  vertex: vertexProvider,
  bedrock: bedrockProvider,
  cohere: cohereProvider,
  mistral: mistralProvider,
} as const satisfies Record<ProviderType, AnyProviderModule>;

export function providerModule(type: ProviderType): AnyProviderModule {
  return PROVIDERS[type];
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

/**
 * The module that reads and writes this provider's wire through the canonical types, whatever the
 * client's wire: for requests that must be built from canonical data (a stream continued from its
 * partial answer) and for decoding a same-wire stream into events.
 */
export function canonicalTranslator(type: ProviderType): TranslatingProviderModule | undefined {
  const m = providerModule(type);
  return isTranslating(m) ? m : TRANSLATORS[type];
}
