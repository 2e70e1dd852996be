// api.openai.com and anything speaking its wire exactly.
//
// Two roles: a same-wire relay for OpenAI-chat clients (encodeChat returns the client's own body,
// renamed — a plain UpstreamRequest, unchanged), and a translator for clients on other wires
// (Anthropic /v1/messages): encodeChat with `opts` returns the canonical encoding, which is both an
// UpstreamRequest and an EncodedChat (`request`, `dropped`, `ignored`), and decodeChatResponse /
// createTranslationDecoder (createEventDecoder on openAiTranslatingProvider) bring the answer back.
import type { ChatRequest, ChatResponse } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint, ProviderModule, TranslatingProviderModule, TranslationContext, UpstreamRequest } from '../types.js';
import type { StreamEventDecoder } from '../../core/stream-event.js';
import { openAiChatBody, openAiEmbeddingsBody } from './encode.js';
import { encodeOpenAiCanonicalChat } from './encode-canonical.js';
import { decodeOpenAiChatResponse } from './decode-canonical.js';
import { OpenAiEventDecoder } from './event-decoder.js';
import { mapOpenAiError } from './map-error.js';
import { OpenAiStreamDecoder } from './stream-decoder.js';
import { usageFromOpenAi } from './usage.js';

export function openAiHeaders(ep: ProviderEndpoint): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...ep.headers };
  if (ep.apiKey) h['authorization'] = `Bearer ${ep.apiKey}`;
  if (ep.organization) h['openai-organization'] = ep.organization;
  if (ep.project) h['openai-project'] = ep.project;
  return h;
}

export function decodeOpenAiBody(body: string): { usage: ReturnType<typeof usageFromOpenAi> } {
  let parsed: { usage?: unknown };
  try {
    parsed = JSON.parse(body) as { usage?: unknown };
  } catch {
    return { usage: null };
  }
  return { usage: usageFromOpenAi(parsed?.usage) };
}

/** A translated request: usable as the UpstreamRequest itself and as an EncodedChat. */
export type TranslatedUpstreamRequest = UpstreamRequest & EncodedChat;

/**
 * Same wire (`req.source.wire === 'openai-chat'`): the client's body relayed, a plain UpstreamRequest,
 * byte for byte as before. Another wire: the canonical encoding (refusing what OpenAI cannot take,
 * unless in `opts.dropParams`), as a TranslatedUpstreamRequest.
 */
export function encodeOpenAiChat(req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): UpstreamRequest | TranslatedUpstreamRequest {
  const path = `${ep.basePath}/chat/completions`;
  if (req.source.wire === 'openai-chat') return { method: 'POST', path, headers: openAiHeaders(ep), body: openAiChatBody(req, model) };
  const e = encodeOpenAiCanonicalChat(req, model, opts, `openai/${model}`, { path, headers: openAiHeaders(ep) });
  return { ...e.request, ...e };
}

export interface OpenAiProviderModule extends ProviderModule {
  encodeChat(req: ChatRequest, endpoint: ProviderEndpoint, model: string, opts?: ChatEncodeOptions): UpstreamRequest | TranslatedUpstreamRequest;
  decodeChatResponse(body: string, ctx: TranslationContext): ChatResponse;
  /** The event decoder for translated streams (not a property of openAiProvider yet — see below). */
  createTranslationDecoder(ctx: TranslationContext): StreamEventDecoder;
}

export const openAiProvider: OpenAiProviderModule = {
  type: 'openai',
  chatWire: 'openai-chat',
  capabilities: { chat: true, embeddings: true, streaming: true },
  encodeChat: encodeOpenAiChat,
  decodeChat: decodeOpenAiBody,
  decodeChatResponse: decodeOpenAiChatResponse,
  createStreamDecoder: () => new OpenAiStreamDecoder(),
  // NOT named createEventDecoder yet: today's pipeline (inference.ts) treats any module with that
  // property as translating for EVERY request (`isTranslating`), which would break same-wire relays.
  // Once the pipeline decides by `m.chatWire !== req.source.wire`, rename this (or use
  // openAiTranslatingProvider below).
  createTranslationDecoder: (ctx) => new OpenAiEventDecoder(ctx),
  encodeEmbeddings: (req, ep, model) => ({ method: 'POST', path: `${ep.basePath}/embeddings`, headers: openAiHeaders(ep), body: openAiEmbeddingsBody(req, model) }),
  decodeEmbeddings: decodeOpenAiBody,
  mapError: (ctx) => mapOpenAiError(ctx, 'OpenAI'),
};

/**
 * The OpenAI wire as a TranslatingProviderModule, for requests whose source wire is not openai-chat
 * (the pipeline picks it when `m.chatWire !== req.source.wire`). Same endpoint, auth and errors.
 */
export const openAiTranslatingProvider = {
  ...openAiProvider,
  encodeChat: (req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat =>
    encodeOpenAiCanonicalChat(req, model, opts, `openai/${model}`, { path: `${ep.basePath}/chat/completions`, headers: openAiHeaders(ep) }),
  createEventDecoder: (ctx: TranslationContext): StreamEventDecoder => new OpenAiEventDecoder(ctx),
} satisfies TranslatingProviderModule;

export { decodeOpenAiChatResponse } from './decode-canonical.js';
export { encodeOpenAiCanonicalChat, openAiCanonicalBody } from './encode-canonical.js';
export { OpenAiEventDecoder } from './event-decoder.js';
