// The parts of Mistral's chat wire (providers.md §8) this adapter writes. Our own types, not the
// SDK's: answers are read leniently (unknown fields ignored).

export interface MistralTextChunk {
  readonly type: 'text';
  readonly text: string;
}

export interface MistralImageChunk {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: string };
}

export interface MistralToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export type MistralMessage =
  | { readonly role: 'system'; readonly content: string | readonly MistralTextChunk[] }
  | { readonly role: 'user'; readonly content: string | readonly (MistralTextChunk | MistralImageChunk)[] }
  | { readonly role: 'assistant'; readonly content?: string | readonly MistralTextChunk[]; readonly tool_calls?: readonly MistralToolCall[]; readonly prefix?: true }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly name?: string; readonly content: string | readonly MistralTextChunk[] };

export interface MistralTool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters: Readonly<Record<string, unknown>>;
    readonly strict?: boolean;
  };
}

export type MistralToolChoice = 'auto' | 'none' | 'any' | { readonly type: 'function'; readonly function: { readonly name: string } };

export type MistralResponseFormat =
  | { readonly type: 'text' | 'json_object' }
  | { readonly type: 'json_schema'; readonly json_schema: { readonly name: string; readonly schema: Readonly<Record<string, unknown>>; readonly strict?: boolean } };

/** Key order is the order of assignment in encode.ts (stable bytes). */
export interface MistralChatBody {
  model: string;
  messages: MistralMessage[];
  tools?: MistralTool[];
  tool_choice?: MistralToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: MistralResponseFormat;
  stop?: readonly string[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  n?: number;
  random_seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  reasoning_effort?: string;
  prediction?: { readonly type: 'content'; readonly content: string };
  metadata?: Readonly<Record<string, string>>;
  prompt_cache_key?: string;
  service_tier?: 'auto' | 'standard_only';
  stream?: boolean;
}
