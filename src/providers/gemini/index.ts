// Google Gemini on AI Studio (`gemini`: x-goog-api-key, {basePath}/models/{m}:generateContent) and on
// Vertex AI (`vertex`: OAuth Bearer token, {basePath}/projects/{p}/locations/{l}/publishers/google/models/{m}…).
// One translator serves both: the wire is the same JSON, only the URL and the auth differ (endpoint.ts).
// Gemini cannot fetch image URLs (imageUrls: false): the gateway inlines them before encoding.
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, DecodedResult, ProviderEndpoint, TranslatingProviderModule } from '../types.js';
import { decodeGeminiResponse } from './decode-response.js';
import { decodeGeminiEmbeddings, decodeGeminiEmbeddingsResult, encodeGeminiEmbeddings } from './embeddings.js';
import { encodeGeminiChat } from './encode.js';
import type { GeminiFlavor } from './endpoint.js';
import { mapGeminiError } from './map-error.js';
import { GeminiFrameDecoder, GeminiStreamDecoder } from './stream-decoder.js';
import { usageFromGemini } from './usage.js';

/** Usage only, for same-wire relays of the body as received. */
function usageOnly(body: string): DecodedResult {
  try {
    const parsed = JSON.parse(body) as { usageMetadata?: unknown } | null;
    return { usage: usageFromGemini(parsed?.usageMetadata) };
  } catch {
    return { usage: null };
  }
}

function geminiModule<T extends GeminiFlavor>(flavor: T) {
  return {
    type: flavor,
    // A Gemini-native client surface is not relayed byte for byte yet: every request translates.
    chatWire: 'gemini-generate',
    capabilities: { chat: true, embeddings: true, streaming: true, imageUrls: false },
    encodeChat: (req: ChatRequest, ep: ProviderEndpoint, model: string, opts?: ChatEncodeOptions) => encodeGeminiChat(flavor, req, ep, model, opts),
    decodeChat: usageOnly,
    decodeChatResponse: decodeGeminiResponse,
    createStreamDecoder: () => new GeminiFrameDecoder(),
    createEventDecoder: (ctx) => new GeminiStreamDecoder(ctx),
    encodeEmbeddings: (req, ep, model) => encodeGeminiEmbeddings(flavor, req, ep, model),
    decodeEmbeddings: decodeGeminiEmbeddings,
    decodeEmbeddingsResult: decodeGeminiEmbeddingsResult,
    mapError: mapGeminiError,
  } as const satisfies TranslatingProviderModule;
}

export const geminiProvider = geminiModule('gemini');
export const vertexProvider = geminiModule('vertex');

export { encodeGeminiChat } from './encode.js';
export { decodeGeminiResponse } from './decode-response.js';
export { GeminiFrameDecoder, GeminiStreamDecoder } from './stream-decoder.js';
export { mapGeminiError } from './map-error.js';
export { usageFromGemini } from './usage.js';
export { VertexEndpointError } from './endpoint.js';
