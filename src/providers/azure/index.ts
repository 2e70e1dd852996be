// Azure OpenAI: the OpenAI wire under deployment-scoped URLs with an api-version query parameter
// and the `api-key` header. The deployment name is the configured model.
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint, ProviderModule, TranslatingProviderModule } from '../types.js';
import { encodeOpenAiCanonicalChat } from '../openai/encode-canonical.js';
import { openAiProvider, openAiTranslatingProvider } from '../openai/index.js';
import { openAiChatBody, openAiEmbeddingsBody } from '../openai/encode.js';
import { mapOpenAiError } from '../openai/map-error.js';

export function azureHeaders(ep: ProviderEndpoint): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...ep.headers };
  if (ep.apiKey) h['api-key'] = ep.apiKey;
  return h;
}

export function deploymentPath(ep: ProviderEndpoint, deployment: string, op: string): string {
  return `${ep.basePath}/openai/deployments/${encodeURIComponent(deployment)}/${op}?api-version=${encodeURIComponent(ep.apiVersion ?? '')}`;
}

export const azureProvider: ProviderModule = {
  ...openAiProvider,
  type: 'azure',
  encodeChat: (req, ep, model) => ({ method: 'POST', path: deploymentPath(ep, model, 'chat/completions'), headers: azureHeaders(ep), body: openAiChatBody(req, model) }),
  encodeEmbeddings: (req, ep, model) => ({ method: 'POST', path: deploymentPath(ep, model, 'embeddings'), headers: azureHeaders(ep), body: openAiEmbeddingsBody(req, model) }),
  mapError: (ctx) => mapOpenAiError(ctx, 'Azure OpenAI'),
};

/** Azure reached from another client wire: the canonical OpenAI encoding under Azure's URLs and auth. */
export const azureTranslatingProvider = {
  ...openAiTranslatingProvider,
  type: 'azure',
  encodeChat: (req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat =>
    encodeOpenAiCanonicalChat(req, model, opts, `azure/${model}`, { path: deploymentPath(ep, model, 'chat/completions'), headers: azureHeaders(ep) }),
  mapError: azureProvider.mapError,
} satisfies TranslatingProviderModule;
