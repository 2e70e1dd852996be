import type { Wire } from '../core/chat.js';
import { isTranslating, type AnyProviderModule, type ProviderType, type TranslatingProviderModule } from './types.js';
import { anthropicProvider } from './anthropic/index.js';
import { openAiProvider, openAiTranslatingProvider } from './openai/index.js';
import { azureProvider, azureTranslatingProvider } from './azure/index.js';
import { openAiCompatibleProvider, openAiCompatibleTranslatingProvider } from './openai-compatible/index.js';

/** Every provider type has exactly one module; the type checker enforces completeness. */
export const PROVIDERS = {
  openai: openAiProvider,
  azure: azureProvider,
  'openai-compatible': openAiCompatibleProvider,
  anthropic: anthropicProvider,
} as const satisfies Record<ProviderType, AnyProviderModule>;

export function providerModule(type: ProviderType): AnyProviderModule {
  return PROVIDERS[type];
}

/** How same-wire providers are reached from another client wire. */
const TRANSLATORS: Partial<Record<ProviderType, TranslatingProviderModule>> = {
  openai: openAiTranslatingProvider,
  azure: azureTranslatingProvider,
  'openai-compatible': openAiCompatibleTranslatingProvider,
};

/**
 * The translator a request from `sourceWire` needs for this provider, or undefined when the
 * provider speaks that wire and the body is relayed. Providers that only translate (Anthropic,
 * until a byte-faithful relay exists for its own wire) always translate.
 */
export function translatorFor(type: ProviderType, sourceWire: Wire): TranslatingProviderModule | undefined {
  const m = PROVIDERS[type] as AnyProviderModule;
  if (isTranslating(m)) return m;
  return m.chatWire === sourceWire ? undefined : TRANSLATORS[type];
}
