// Gemini generateContent wire shapes (providers.md §5), as this adapter sends and reads them. The same
// JSON serves AI Studio (generativelanguage) and Vertex AI; only URLs and auth differ (endpoint.ts).
// Response types are what we read, leniently: every field optional, unknown fields ignored.

export interface GeminiFunctionCall {
  readonly id?: string;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface GeminiFunctionResponse {
  readonly id?: string;
  readonly name: string;
  readonly response: Readonly<Record<string, unknown>>;
}

/** One part holds one kind of data; `thought` and `thoughtSignature` ride beside it. */
export interface GeminiPart {
  text?: string;
  inlineData?: { readonly mimeType: string; readonly data: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  thought?: boolean;
  thoughtSignature?: string;
}

export interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly parametersJsonSchema?: Readonly<Record<string, unknown>>;
}

export interface GeminiToolConfig {
  readonly functionCallingConfig: { readonly mode: 'AUTO' | 'ANY' | 'NONE'; readonly allowedFunctionNames?: readonly string[] };
}

export interface GeminiThinkingConfig {
  readonly thinkingBudget: number;
  readonly includeThoughts?: boolean;
}

export interface GeminiGenerationConfig {
  stopSequences?: readonly string[];
  responseMimeType?: string;
  responseJsonSchema?: Readonly<Record<string, unknown>>;
  candidateCount?: number;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { readonly parts: { readonly text: string }[] };
  tools?: { readonly functionDeclarations: GeminiFunctionDeclaration[] }[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: unknown;
  generationConfig?: GeminiGenerationConfig;
  serviceTier?: string;
  labels?: Readonly<Record<string, string>>;
}

export interface GeminiUsageMetadata {
  readonly promptTokenCount?: unknown;
  readonly cachedContentTokenCount?: unknown;
  readonly candidatesTokenCount?: unknown;
  readonly thoughtsTokenCount?: unknown;
  readonly toolUsePromptTokenCount?: unknown;
  readonly totalTokenCount?: unknown;
}

export interface GeminiCandidate {
  readonly content?: { readonly role?: unknown; readonly parts?: unknown };
  readonly finishReason?: unknown;
  readonly index?: unknown;
}

export interface GeminiResponseBody {
  readonly candidates?: unknown;
  readonly promptFeedback?: { readonly blockReason?: unknown; readonly blockReasonMessage?: unknown };
  readonly usageMetadata?: unknown;
  readonly modelVersion?: unknown;
  readonly responseId?: unknown;
  readonly error?: unknown;
}
