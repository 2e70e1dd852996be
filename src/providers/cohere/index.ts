// Cohere's v2 API (api.cohere.com/v2 and anything speaking its wire): Bearer auth, POST
// {basePath}/chat (SSE with `stream: true`) and POST {basePath}/embed. No client speaks Cohere's
// wire, so this module always translates through the canonical types.
import { decodeCohereResponse } from './decode-response.js';
import { decodeCohereEmbeddings, decodeCohereEmbeddingsResult, encodeCohereEmbeddings } from './embeddings.js';
import { encodeCohereChat } from './encode.js';
import { CohereFrameDecoder } from './frame-decoder.js';
import { mapCohereError } from './map-error.js';
import { CohereStreamDecoder } from './stream-decoder.js';
import { usageFromCohere } from './usage.js';
import type { TranslatingProviderModule } from '../types.js';

function usageOnly(body: string): { usage: ReturnType<typeof usageFromCohere> } {
  try {
    const parsed = JSON.parse(body) as { usage?: unknown } | null;
    return { usage: usageFromCohere(parsed?.usage) };
  } catch {
    return { usage: null };
  }
}

export const cohereProvider = {
  type: 'cohere',
  // The nearest client wire (roles, tool_calls, tool messages). It can never cause a relay: the
  // module has createEventDecoder, so isTranslating() holds and translatorFor() returns the module
  // itself for every source wire — chatWire is only compared for same-wire modules.
  chatWire: 'openai-chat',
  capabilities: { chat: true, embeddings: true, streaming: true, imageUrls: true },
  encodeChat: encodeCohereChat,
  decodeChat: usageOnly,
  decodeChatResponse: decodeCohereResponse,
  createStreamDecoder: () => new CohereFrameDecoder(),
  createEventDecoder: (ctx) => new CohereStreamDecoder(ctx),
  encodeEmbeddings: encodeCohereEmbeddings,
  decodeEmbeddings: decodeCohereEmbeddings,
  decodeEmbeddingsResult: decodeCohereEmbeddingsResult,
  mapError: mapCohereError,
} as const satisfies TranslatingProviderModule;

export { encodeCohereChat, cohereHeaders } from './encode.js';
export { decodeCohereResponse } from './decode-response.js';
export { CohereStreamDecoder } from './stream-decoder.js';
export { CohereFrameDecoder } from './frame-decoder.js';
export { mapCohereError } from './map-error.js';
export { usageFromCohere } from './usage.js';
export { decodeCohereEmbeddingsResult, encodeCohereEmbeddings } from './embeddings.js';
