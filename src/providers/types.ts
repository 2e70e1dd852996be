// The contract every upstream wire protocol implements. Providers are pure translators: they turn
// a frozen canonical request into an HTTP request description and upstream bytes into typed
// results. No I/O, no clock (callers pass `now`), no framework types.
import type { ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResult, Wire } from '../core/chat.js';
import type { StreamEventDecoder } from '../core/stream-event.js';
import type { UpstreamError } from '../core/errors.js';
import type { Usage } from '../core/usage.js';

import type { ProviderType } from '../core/provider-type.js';
export type { ProviderType };

/** Long-term or temporary AWS credentials for SigV4 (Bedrock). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and how to reach one provider account (a structural subset of the compiled config). */
export interface ProviderEndpoint {
  readonly name: string;
  /** scheme://host[:port] of base_url (what SigV4 signs as the host). Absent in some unit tests. */
  readonly origin?: string;
  readonly basePath: string;
  readonly apiKey: string | undefined;
  readonly apiVersion: string | undefined;
  readonly organization: string | undefined;
  /** OpenAI project header, or the Google Cloud project of a Vertex provider. */
  readonly project: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** AWS region (Bedrock) or Google Cloud location (Vertex). */
  readonly region?: string;
  /** Bedrock with SigV4; absent when a Bedrock API key (Bearer, in apiKey) is used instead. */
  readonly awsCredentials?: AwsCredentials;
}

export interface UpstreamRequest {
  readonly method: 'POST' | 'GET';
  /** Path and query, relative to the provider's origin. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

export interface DecodedResult {
  readonly usage: Usage | null;
}

/** One upstream stream event, classified. `raw` is the exact SSE block for same-wire relays. */
export type StreamFrame =
  /** usage: some OpenAI-compatible servers put usage on a chunk that also has choices. */
  | { readonly kind: 'chunk'; readonly raw: string; readonly finished: boolean; readonly hasOutput: boolean; readonly usage: Usage | null }
  /** A chunk carrying only usage (OpenAI's include_usage chunk): hidden from clients who did not ask. */
  | { readonly kind: 'usage'; readonly raw: string; readonly usage: Usage }
  | { readonly kind: 'done'; readonly raw: string }
  | { readonly kind: 'error'; readonly raw: string; readonly error: UpstreamError }
  | { readonly kind: 'ignored'; readonly raw: string };

export interface StreamDecoder {
  push(bytes: Uint8Array): StreamFrame[];
  /** Called when the upstream body ended; returns any last frames. */
  end(): StreamFrame[];
}

export interface ErrorContext {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** ms since the epoch, for Retry-After given as an HTTP date. */
  readonly now: number;
}

export interface ProviderCapabilities {
  readonly chat: boolean;
  readonly embeddings: boolean;
  readonly streaming: boolean;
  /**
   * The provider fetches https image URLs itself. When false (Gemini, Bedrock), the gateway fetches
   * them (size cap, timeout, no private addresses) and the adapter only ever sees data: URLs.
   */
  readonly imageUrls?: boolean;
  /**
   * A trailing assistant message is continued, not answered anew (Anthropic's prefill): such a
   * provider can resume a stream that broke mid-answer (`stream_recovery: continue`).
   */
  readonly assistantPrefill?: boolean;
}

export interface ProviderModule {
  readonly type: ProviderType;
  /** The client wire this provider speaks natively; same-wire responses are relayed byte for byte. */
  readonly chatWire: Wire;
  readonly capabilities: ProviderCapabilities;
  encodeChat(req: ChatRequest, endpoint: ProviderEndpoint, model: string): UpstreamRequest;
  decodeChat(body: string): DecodedResult;
  createStreamDecoder(): StreamDecoder;
  encodeEmbeddings(req: EmbeddingsRequest, endpoint: ProviderEndpoint, model: string): UpstreamRequest;
  decodeEmbeddings(body: string): DecodedResult;
  /**
   * Providers whose embeddings wire is not OpenAI's: the vectors and usage, which the gateway
   * re-encodes for the client. Absent = the body is OpenAI's shape and is relayed as is. `headers`
   * are the response's, for wires that report usage there (Bedrock InvokeModel).
   */
  decodeEmbeddingsResult?(body: string, headers?: Readonly<Record<string, string | string[] | undefined>>): EmbeddingsResult;
  /**
   * The last step before sending, for providers that sign requests (Bedrock SigV4). Pure but for
   * hashing: the caller passes the clock. Absent = sent as encoded.
   */
  sign?(req: UpstreamRequest, endpoint: ProviderEndpoint, now: number): Promise<UpstreamRequest>;
  mapError(ctx: ErrorContext): UpstreamError;
}

export interface ChatEncodeOptions {
  /** Parameters this deployment may drop instead of refusing (config `drop_params`). */
  readonly dropParams?: ReadonlySet<string>;
  /** For wires that require an output cap (Anthropic max_tokens) when the request has none. */
  readonly defaultMaxTokens?: number;
}

export interface EncodedChat {
  readonly request: UpstreamRequest;
  /** drop_params entries this request needed dropped: the receipt says so. */
  readonly dropped: readonly string[];
  /** Pure hints with no equivalent that were left out (behaviour unchanged): logged. */
  readonly ignored: readonly string[];
  /** The output cap sent because the request had none (the receipt says so). */
  readonly defaultedMaxTokens: number | undefined;
}

export interface TranslationContext {
  /** ms since the epoch (providers read no clock). */
  readonly now: number;
}

/** A provider whose wire differs from the client's: it translates through the canonical types. */
export interface TranslatingProviderModule extends Omit<ProviderModule, 'type' | 'encodeChat'> {
  readonly type: ProviderType;
  encodeChat(req: ChatRequest, endpoint: ProviderEndpoint, model: string, opts?: ChatEncodeOptions): EncodedChat;
  decodeChatResponse(body: string, ctx: TranslationContext): ChatResponse;
  createEventDecoder(ctx: TranslationContext): StreamEventDecoder;
}

export type AnyProviderModule = ProviderModule | TranslatingProviderModule;

export function isTranslating(m: AnyProviderModule): m is TranslatingProviderModule {
  return 'createEventDecoder' in m;
}
