// Anthropic Messages (api.anthropic.com and anything speaking its wire): x-api-key auth, an
// anthropic-version header (the endpoint's apiVersion, default 2023-06-01), POST {basePath}/messages.
// Chat only: Anthropic has no embeddings endpoint.
import { UnsupportedParameterError } from '../../core/errors.js';
import { decodeAnthropicResponse } from './decode-response.js';
import { encodeAnthropicChat } from './encode.js';
import { mapAnthropicError } from './map-error.js';
import type { TranslatingProviderModule } from './provider-module.js';
import { AnthropicFrameDecoder, AnthropicStreamDecoder } from './stream-decoder.js';
import { usageFromAnthropic } from './usage.js';

function usageOnly(body: string): { usage: ReturnType<typeof usageFromAnthropic> } {
  try {
    const parsed = JSON.parse(body) as { usage?: unknown } | null;
    return { usage: usageFromAnthropic(parsed?.usage) };
  } catch {
    return { usage: null };
  }
}

export const anthropicProvider = {
  type: 'anthropic',
  chatWire: 'anthropic-messages',
  capabilities: { chat: true, embeddings: false, streaming: true, assistantPrefill: true },
  encodeChat: encodeAnthropicChat,
  /** Usage only, for same-wire relays of the body as received. */
  decodeChat: usageOnly,
  decodeChatResponse: decodeAnthropicResponse,
  /** Same-wire relay: frames classified with their exact bytes. */
  createStreamDecoder: () => new AnthropicFrameDecoder(),
  createEventDecoder: (ctx) => new AnthropicStreamDecoder(ctx),
  encodeEmbeddings: (_req, _ep, model) => {
    throw new UnsupportedParameterError('model', `anthropic/${model}`, '(an embeddings request) is not supported by');
  },
  decodeEmbeddings: () => ({ usage: null }),
  mapError: mapAnthropicError,
} as const satisfies TranslatingProviderModule;

export { DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS, encodeAnthropicChat } from './encode.js';
export { decodeAnthropicResponse } from './decode-response.js';
export { AnthropicFrameDecoder, AnthropicStreamDecoder } from './stream-decoder.js';
export { mapAnthropicError } from './map-error.js';
export { usageFromAnthropic } from './usage.js';
