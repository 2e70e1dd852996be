// Where a Gemini-wire request goes and how it authenticates (providers.md §5). The two flavours speak
// the same JSON and differ only here:
// - AI Studio (`gemini`): {basePath}/models/{model}:{method}, `x-goog-api-key`;
// - Vertex AI (`vertex`): {basePath}/projects/{project}/locations/{location}/publishers/google/models/{model}:{method},
//   `Authorization: Bearer <OAuth access token>`.
// Model names that are already resource paths are kept, as Google's own SDK does: `models/…` and
// `tunedModels/…` on AI Studio; `projects/…` (tuned or deployed models) and `publishers/…` on Vertex.
import { GatewayError } from '../../core/errors.js';
import type { ProviderEndpoint } from '../types.js';

export type GeminiFlavor = 'gemini' | 'vertex';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents' | 'predict';

/** A Vertex provider without its Google Cloud project or location cannot address any model. */
export class VertexEndpointError extends GatewayError {
  constructor(endpoint: string, missing: 'project' | 'location') {
    super('provider_misconfigured', 500, `Vertex provider '${endpoint}' has no ${missing}; set ${missing} in its config`, {
      details: { provider: endpoint, missing },
    });
  }
}

function modelPath(flavor: GeminiFlavor, ep: ProviderEndpoint, model: string): string {
  if (flavor === 'gemini') return model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
  if (model.startsWith('projects/')) return model;
  const project = ep.project;
  const location = ep.region;
  if (project === undefined || project === '') throw new VertexEndpointError(ep.name, 'project');
  if (location === undefined || location === '') throw new VertexEndpointError(ep.name, 'location');
  const inProject = `projects/${project}/locations/${location}`;
  return model.startsWith('publishers/') ? `${inProject}/${model}` : `${inProject}/publishers/google/models/${model}`;
}

/** Path and query for one method; streams ask for SSE (`alt=sse`) rather than one long JSON array. */
export function geminiPath(flavor: GeminiFlavor, ep: ProviderEndpoint, model: string, method: GeminiMethod): string {
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return `${ep.basePath}/${modelPath(flavor, ep, model)}:${method}${query}`;
}

export function geminiHeaders(flavor: GeminiFlavor, ep: ProviderEndpoint): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...ep.headers };
  if (ep.apiKey) {
    if (flavor === 'gemini') h['x-goog-api-key'] = ep.apiKey;
    else h['authorization'] = `Bearer ${ep.apiKey}`;
  }
  return h;
}

/** `gemini/gemini-2.5-flash`, `vertex/gemini-2.5-pro`: named in every refusal. */
export function geminiTarget(flavor: GeminiFlavor, model: string): string {
  return `${flavor}/${model}`;
}
