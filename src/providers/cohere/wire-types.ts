// The parts of Cohere's v2 Chat wire (providers.md §9) this adapter writes. Our own types, not the
// SDK's: the SDK is a dev dependency, and answers are read leniently (unknown fields ignored).

export interface CohereTextPart {
  readonly type: 'text';
  readonly text: string;
}

export interface CohereImagePart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };
}

export interface CohereToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export type CohereMessage =
  | { readonly role: 'system'; readonly content: string | readonly CohereTextPart[] }
  | { readonly role: 'user'; readonly content: string | readonly (CohereTextPart | CohereImagePart)[] }
  | { readonly role: 'assistant'; readonly content?: string | readonly CohereTextPart[]; readonly tool_calls?: readonly CohereToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string | readonly CohereTextPart[] };

export interface CohereTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: Readonly<Record<string, unknown>> };
}

export type CohereResponseFormat = { readonly type: 'json_object'; readonly json_schema?: Readonly<Record<string, unknown>> };

export type CohereThinking = { readonly type: 'enabled'; readonly token_budget?: number } | { readonly type: 'disabled' };

/** Key order is the order of assignment in encode.ts (stable bytes). */
export interface CohereChatBody {
  model: string;
  messages: CohereMessage[];
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: 'REQUIRED' | 'NONE';
  response_format?: CohereResponseFormat;
  max_tokens?: number;
  stop_sequences?: readonly string[];
  temperature?: number;
  p?: number;
  k?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  logprobs?: boolean;
  thinking?: CohereThinking;
  stream?: boolean;
}
