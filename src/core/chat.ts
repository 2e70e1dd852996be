// The canonical chat request and response. Every surface decodes into these types and every
// provider encodes from them, so one pipeline serves all. Requests are deep-frozen after decoding:
// each attempt encodes afresh and can never see another attempt's changes.

import type { Usage } from './usage.js';

/** Client surfaces' wires (how a request arrived and how its answer must be written). */
export type Wire = 'openai-chat' | 'openai-embeddings' | 'anthropic-messages' | 'openai-responses' | 'gemini-generate';

/**
 * A prompt-cache breakpoint the client set after a part or tool (Anthropic `cache_control`): the
 * prefix up to here may be cached. Kept so wires with explicit caching (Bedrock `cachePoint`) see
 * the same breakpoints (C1); wires that cache on their own leave it out.
 */
export interface CacheBreakpoint {
  readonly ttl?: '5m' | '1h';
}

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
  readonly cache?: CacheBreakpoint;
}
export interface ImagePart {
  readonly type: 'image';
  /** https URL or data: URL, as the client sent it. */
  readonly url: string;
  readonly detail?: 'auto' | 'low' | 'high';
  readonly cache?: CacheBreakpoint;
}
/** A part the canonical model does not describe (input_audio, file…): relayed on its own wire, refused elsewhere. */
export interface OpaquePart {
  readonly type: 'opaque';
  readonly wireType: string;
}
export type ContentPart = TextPart | ImagePart | OpaquePart;

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text, exactly as produced by the model or sent by the client. */
  readonly arguments: string;
}

/**
 * Reasoning the model produced, kept so it can be sent back on the next turn (Anthropic requires its
 * thinking blocks, signature included, to round-trip in multi-turn tool use; providers.md §0.4).
 */
export type ReasoningBlock =
  | { readonly type: 'thinking'; readonly text: string; readonly signature?: string }
  | { readonly type: 'redacted'; readonly data: string };

export type ChatMessage =
  | { readonly role: 'system' | 'developer'; readonly content: readonly ContentPart[]; readonly name?: string }
  | { readonly role: 'user'; readonly content: readonly ContentPart[]; readonly name?: string }
  | {
      readonly role: 'assistant';
      readonly content: readonly ContentPart[];
      readonly toolCalls?: readonly ToolCall[];
      readonly name?: string;
      /** Reasoning blocks of this turn, in order, before its text and tool calls. */
      readonly reasoning?: readonly ReasoningBlock[];
    }
  | {
      readonly role: 'tool';
      readonly toolCallId: string;
      readonly content: readonly ContentPart[];
      /** Anthropic `tool_result.is_error`: the tool failed (OpenAI's wire has no slot for it). */
      readonly isError?: boolean;
    };

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly strict?: boolean;
  /** A cache breakpoint after this tool (the tools come first in the cached prefix). */
  readonly cache?: CacheBreakpoint;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly name: string;
      readonly schema: Readonly<Record<string, unknown>>;
      readonly strict?: boolean;
    };

/** The request as the client sent it, kept for same-wire relays (stable bytes, unknown fields kept). */
export interface SourceBody {
  readonly wire: Wire;
  readonly body: Readonly<Record<string, unknown>>;
  /** The exact request text, for byte-faithful relays to a provider of the same wire. */
  readonly raw?: string;
  /** Client headers that are part of the wire's meaning (Anthropic's `anthropic-version`, `anthropic-beta`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ChatRequest {
  /** The model name the client asked for (an alias the router resolves). */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  /** The client asked for the usage chunk at the end of a stream. */
  readonly streamIncludeUsage: boolean;
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  readonly stop?: readonly string[];
  readonly temperature?: number;
  readonly topP?: number;
  /** Anthropic `top_k` (sample from the k likeliest tokens). */
  readonly topK?: number;
  readonly maxOutputTokens?: number;
  readonly n?: number;
  readonly seed?: number;
  readonly logprobs?: boolean;
  readonly topLogprobs?: number;
  readonly reasoningEffort?: string;
  /** Anthropic `thinking: {type: "enabled", budget_tokens}`: the thinking budget asked for. */
  readonly reasoningBudgetTokens?: number;
  /**
   * Tools the canonical model does not describe (Anthropic server tools such as `web_search_…`), by
   * their wire type: relayed on their own wire, refused elsewhere (like OpaquePart).
   */
  readonly opaqueTools?: readonly string[];
  readonly user?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** OpenAI `frequency_penalty` / `presence_penalty` (−2..2). Not every decoder sets these yet. */
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  /** The client sent a non-empty `logit_bias`. */
  readonly logitBias?: boolean;
  readonly source: SourceBody;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface ChatChoice {
  readonly index: number;
  readonly text: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason | null;
  /** The provider's own stop reason, as sent (e.g. Anthropic `pause_turn`, `refusal`). */
  readonly providerFinishReason?: string | null;
  /** Reasoning the provider returned (Anthropic thinking blocks with signatures). */
  readonly reasoning?: readonly ReasoningBlock[];
}

export interface ChatResponse {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly choices: readonly ChatChoice[];
  readonly usage: Usage | null;
}

export interface EmbeddingsRequest {
  readonly model: string;
  /** Count of inputs, for logging and limits; the body itself travels in `source`. */
  readonly inputCount: number;
  /** The text of every string input, for token estimation (empty for token-id inputs). */
  readonly texts: readonly string[];
  readonly user?: string;
  readonly source: SourceBody;
}

/** What a provider with its own embeddings wire answered, for re-encoding in the client's shape. */
export interface EmbeddingsResult {
  /** One vector per input, in input order. */
  readonly vectors: readonly (readonly number[])[];
  readonly usage: Usage | null;
}
