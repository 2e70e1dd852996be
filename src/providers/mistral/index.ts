// Mistral's native API (api.mistral.ai/v1 and anything speaking its wire): Bearer auth, POST
// {basePath}/chat/completions (SSE with `stream: true`) and POST {basePath}/embeddings. It looks like
// OpenAI's wire but is not (providers.md §8: random_seed, `any`, 9-character tool ids, array
// content, no stream_options/logprobs/user), so this module always translates through the
// canonical types; an OpenAI client's body is never relayed to it.
import { decodeMistralResponse } from './decode-response.js';
import { decodeMistralEmbeddings, decodeMistralEmbeddingsResult, encodeMistralEmbeddings } from './embeddings.js';
import { encodeMistralChat } from './encode.js';
import { MistralFrameDecoder } from './frame-decoder.js';
import { mapMistralError } from './map-error.js';
import { MistralStreamDecoder } from './stream-decoder.js';
import { usageFromMistral } from './usage.js';
import type { TranslatingProviderModule } from '../types.js';

function usageOnly(body: string): { usage: ReturnType<typeof usageFromMistral> } {
  try {
    const parsed = JSON.parse(body) as { usage?: unknown } | null;
    return { usage: usageFromMistral(parsed?.usage) };
  } catch {
    return { usage: null };
  }
}

export const mistralProvider = {
  type: 'mistral',
  // The nearest client wire. It can never cause a relay: the module has createEventDecoder, so
  // isTranslating() holds and translatorFor() returns the module itself for every source wire.
  chatWire: 'openai-chat',
  capabilities: { chat: true, embeddings: true, streaming: true, imageUrls: true },
  encodeChat: encodeMistralChat,
  decodeChat: usageOnly,
  decodeChatResponse: decodeMistralResponse,
  createStreamDecoder: () => new MistralFrameDecoder(),
  createEventDecoder: (ctx) => new MistralStreamDecoder(ctx),
  encodeEmbeddings: encodeMistralEmbeddings,
  decodeEmbeddings: decodeMistralEmbeddings,
  decodeEmbeddingsResult: decodeMistralEmbeddingsResult,
  mapError: mapMistralError,
} as const satisfies TranslatingProviderModule;

export { encodeMistralChat, mistralHeaders } from './encode.js';
export { decodeMistralResponse } from './decode-response.js';
export { MistralStreamDecoder } from './stream-decoder.js';
export { MistralFrameDecoder } from './frame-decoder.js';
export { mapMistralError } from './map-error.js';
export { usageFromMistral } from './usage.js';
export { MistralToolIds, isMistralToolId } from './tool-ids.js';
export { decodeMistralEmbeddingsResult, encodeMistralEmbeddings } from './embeddings.js';
