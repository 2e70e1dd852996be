// Bedrock model ids travel in the path: a model id, an inference profile (`us.…`, `global.…`) or an
// ARN, percent-encoded as one segment (`:` → %3A, `/` → %2F; providers.md §6).

export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke';

export function modelPath(basePath: string, modelId: string, op: BedrockOperation): string {
  return `${basePath}/model/${encodeURIComponent(modelId)}/${op}`;
}

/**
 * Anthropic's models (by id, inference profile or ARN) take Claude's native fields in
 * additionalModelRequestFields. An application inference profile ARN names no model: not detected.
 */
export function isAnthropicModel(modelId: string): boolean {
  return /(^|[./])anthropic\./.test(modelId);
}

/** Target as named in refusals, e.g. `bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
export function bedrockTarget(modelId: string): string {
  return `bedrock/${modelId}`;
}
