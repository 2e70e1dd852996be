/** Every upstream wire protocol the gateway speaks. Config, providers and the registry agree on this list. */
export const PROVIDER_TYPES = ['openai', 'azure', 'openai-compatible', 'anthropic', 'gemini', 'vertex', 'bedrock', 'cohere', 'mistral'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
