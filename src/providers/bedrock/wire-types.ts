// The parts of Bedrock's Converse wire (providers.md §6) this adapter writes. Our own types, not the
// SDK's: the SDK is a dev dependency, and responses are parsed leniently (unknown keys ignored).

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface CachePoint {
  readonly type: 'default';
  readonly ttl?: '5m' | '1h';
}

export interface TextBlock {
  readonly text: string;
}

export interface ImageBlock {
  readonly image: { readonly format: ImageFormat; readonly source: { readonly bytes: string } };
}

export interface CachePointBlock {
  readonly cachePoint: CachePoint;
}

export interface ToolUseBlock {
  readonly toolUse: { readonly toolUseId: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> };
}

export type ToolResultContent = TextBlock | ImageBlock;

export interface ToolResultBlock {
  readonly toolResult: {
    readonly toolUseId: string;
    readonly content: readonly ToolResultContent[];
    readonly status?: 'error';
  };
}

export interface ReasoningBlock {
  readonly reasoningContent:
    | { readonly reasoningText: { readonly text: string; readonly signature: string } }
    /** base64 of the opaque bytes (a blob on the JSON wire). */
    | { readonly redactedContent: string };
}

export type ContentBlock = TextBlock | ImageBlock | CachePointBlock | ToolUseBlock | ToolResultBlock | ReasoningBlock;

export type SystemBlock = TextBlock | CachePointBlock;

export interface ConverseMessage {
  readonly role: 'user' | 'assistant';
  readonly content: ContentBlock[];
}

export interface ToolSpec {
  readonly toolSpec: {
    readonly name: string;
    readonly description?: string;
    readonly inputSchema: { readonly json: Readonly<Record<string, unknown>> };
    readonly strict?: true;
  };
}

export type ToolChoice = { readonly auto: Record<string, never> } | { readonly any: Record<string, never> } | { readonly tool: { readonly name: string } };

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: readonly string[];
}

export interface OutputConfig {
  textFormat?: {
    readonly type: 'json_schema';
    readonly structure: { readonly jsonSchema: { readonly schema: string; readonly name: string; readonly description?: string } };
  };
  effort?: string;
}

/** The request body, in the key order it is serialised (stable bytes for prompt caching, C1). */
export interface ConverseRequestBody {
  messages: ConverseMessage[];
  system?: SystemBlock[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: { readonly tools: readonly (ToolSpec | CachePointBlock)[]; readonly toolChoice?: ToolChoice };
  additionalModelRequestFields?: Record<string, unknown>;
  outputConfig?: OutputConfig;
  requestMetadata?: Readonly<Record<string, string>>;
  serviceTier?: { readonly type: 'default' | 'flex' | 'priority' };
}
