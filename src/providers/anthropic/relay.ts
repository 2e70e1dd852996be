// Same-wire relay to an Anthropic deployment (issue 3): the client's exact request text goes
// upstream with only the model renamed and the deployment's auth — unknown fields, cache_control
// breakpoints, key order and spacing all as sent — so nothing the client relies on is lost and
// Anthropic's prompt cache sees exactly what the client built. Usage is still read from the answer.
import type { ChatRequest, EmbeddingsRequest } from '../../core/chat.js';
import type { ProviderEndpoint, ProviderModule, UpstreamRequest } from '../types.js';
import { withTopLevelString } from '../shared/top-level-field.js';
import { anthropicProvider } from './index.js';
import { anthropicHeaders } from './encode.js';

export function encodeAnthropicRelay(req: ChatRequest, ep: ProviderEndpoint, model: string): UpstreamRequest {
  const raw = req.source.raw ?? JSON.stringify(req.source.body);
  const body = req.model === model && req.source.raw !== undefined ? raw : withTopLevelString(raw, 'model', model);
  return { method: 'POST', path: `${ep.basePath}/messages`, headers: anthropicHeaders(ep, req.source.headers), body };
}

/** The Anthropic provider as the registry serves it: relays its own wire, translates the others (registry TRANSLATORS). */
export const anthropicRelayProvider = {
  type: 'anthropic',
  chatWire: 'anthropic-messages',
  capabilities: anthropicProvider.capabilities,
  encodeChat: encodeAnthropicRelay,
  decodeChat: anthropicProvider.decodeChat,
  createStreamDecoder: anthropicProvider.createStreamDecoder,
  encodeEmbeddings: (req: EmbeddingsRequest, ep: ProviderEndpoint, model: string) => anthropicProvider.encodeEmbeddings(req, ep, model),
  decodeEmbeddings: anthropicProvider.decodeEmbeddings,
  mapError: anthropicProvider.mapError,
} as const satisfies ProviderModule;
