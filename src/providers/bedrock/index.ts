// AWS Bedrock through Converse / ConverseStream (providers.md §6): SigV4 (the `sign` hook) or a
// Bedrock API key (Bearer), POST {basePath}/model/{modelId}/converse[-stream]; embeddings through
// InvokeModel for Titan and Cohere models. No client speaks Bedrock's wire, so Bedrock always
// translates (it is a TranslatingProviderModule): `chatWire` is never matched for a relay.
import { decodeBedrockResponse } from './decode-response.js';
import { decodeBedrockEmbeddings, decodeBedrockEmbeddingsResult, encodeBedrockEmbeddings } from './embeddings.js';
import { encodeBedrockChat } from './encode.js';
import { signBedrockRequest } from './auth.js';
import { BedrockFrameDecoder } from './frame-decoder.js';
import { mapBedrockError } from './map-error.js';
import { BedrockStreamDecoder } from './stream-decoder.js';
import { usageFromBedrock } from './usage.js';
import type { TranslatingProviderModule } from '../types.js';

function usageOnly(body: string): { usage: ReturnType<typeof usageFromBedrock> } {
  try {
    const parsed = JSON.parse(body) as { usage?: unknown } | null;
    return { usage: usageFromBedrock(parsed?.usage) };
  } catch {
    return { usage: null };
  }
}

export const bedrockProvider = {
  type: 'bedrock',
  // The nearest client wire (content blocks, tool_use/tool_result, cache beside input). Never used to
  // relay: the registry translates for every module that has createEventDecoder.
  chatWire: 'anthropic-messages',
  capabilities: { chat: true, embeddings: true, streaming: true, imageUrls: false },
  encodeChat: encodeBedrockChat,
  decodeChat: usageOnly,
  decodeChatResponse: decodeBedrockResponse,
  /** Never used for Bedrock (no same-wire client); classifies messages with raw = JSON payload. */
  createStreamDecoder: () => new BedrockFrameDecoder(),
  createEventDecoder: (ctx) => new BedrockStreamDecoder(ctx),
  encodeEmbeddings: encodeBedrockEmbeddings,
  decodeEmbeddings: decodeBedrockEmbeddings,
  decodeEmbeddingsResult: decodeBedrockEmbeddingsResult,
  sign: signBedrockRequest,
  mapError: mapBedrockError,
} as const satisfies TranslatingProviderModule;

export { encodeBedrockChat, EVENT_STREAM, MAX_TEMPERATURE } from './encode.js';
export { decodeBedrockResponse } from './decode-response.js';
export { BedrockStreamDecoder } from './stream-decoder.js';
export { BedrockFrameDecoder } from './frame-decoder.js';
export { mapBedrockError } from './map-error.js';
export { usageFromBedrock } from './usage.js';
export { BedrockAuthConfigError, signBedrockRequest } from './auth.js';
export { decodeBedrockEmbeddingsResult, encodeBedrockEmbeddings } from './embeddings.js';
