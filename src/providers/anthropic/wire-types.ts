// The parts of Anthropic's Messages wire (providers.md §4) this adapter writes and reads. Our own
// types, not the SDK's: the SDK is a dev dependency, and the adapter must parse leniently (unknown
// fields and block types are ignored, never fatal).

export interface CacheControl {
  readonly type: 'ephemeral';
  readonly ttl?: '5m' | '1h';
}

export interface AnthropicTextBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: CacheControl;
}

export type AnthropicImageSource =
  | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
  | { readonly type: 'url'; readonly url: string };

export interface AnthropicImageBlock {
  readonly type: 'image';
  readonly source: AnthropicImageSource;
  readonly cache_control?: CacheControl;
}

export interface AnthropicToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface AnthropicToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  /** Omitted when the tool returned nothing. */
  readonly content?: string | readonly (AnthropicTextBlock | AnthropicImageBlock)[];
}

export interface AnthropicThinkingBlock {
  readonly type: 'thinking';
  readonly thinking: string;
  readonly signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  readonly type: 'redacted_thinking';
  readonly data: string;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
  readonly strict?: boolean;
  readonly cache_control?: CacheControl;
}

export type AnthropicToolChoice =
  | { readonly type: 'auto' | 'any'; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'none' };

export type AnthropicThinking = { readonly type: 'adaptive' } | { readonly type: 'disabled' };

export interface AnthropicOutputConfig {
  readonly effort?: AnthropicEffort;
  readonly format?: { readonly type: 'json_schema'; readonly schema: Readonly<Record<string, unknown>> };
}

export type AnthropicEffort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** The request body, in the key order it is serialised (stable bytes for prompt caching, C1). */
export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  system?: AnthropicTextBlock[];
  messages: AnthropicMessage[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  stop_sequences?: readonly string[];
  temperature?: number;
  top_p?: number;
  thinking?: AnthropicThinking;
  output_config?: AnthropicOutputConfig;
  metadata?: { readonly user_id: string };
  service_tier?: 'auto' | 'standard_only';
  stream?: true;
}

/** Usage as sent in a response, in `message_start`, and (cumulative) in `message_delta`. */
export interface AnthropicUsage {
  readonly input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly output_tokens_details?: { readonly thinking_tokens?: number | null } | null;
}

export interface AnthropicResponseBody {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly model?: unknown;
  readonly content?: unknown;
  readonly stop_reason?: unknown;
  readonly usage?: unknown;
}
