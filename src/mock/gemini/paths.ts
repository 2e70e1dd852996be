// The Gemini URL shapes the simulator answers (providers.md §5):
//   AI Studio  /v1beta/models/{model}:{method}
//   Vertex     /v1/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}:{method}
//              (/v1beta1/… too: the default API version of Google's SDK on Vertex)

export type GeminiFlavor = 'gemini' | 'vertex';

export interface GeminiRoute {
  readonly flavor: GeminiFlavor;
  readonly model: string;
  /** generateContent, streamGenerateContent, embedContent, batchEmbedContents, predict, countTokens… */
  readonly method: string;
  /** Vertex only: the model's publisher (only `google` publishes Gemini). */
  readonly publisher?: string;
}

const AI_STUDIO_PREFIX = '/v1beta/models/';
const VERTEX_PREFIXES = ['/v1/projects/', '/v1beta1/projects/'] as const;
const VERTEX = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/([^/]+)\/models\/([^/:]+):([A-Za-z]+)$/;

/** True for every path this wire owns (the server's dispatch asks this). */
export function isGeminiPath(path: string): boolean {
  return path.startsWith(AI_STUDIO_PREFIX) || VERTEX_PREFIXES.some((p) => path.startsWith(p));
}

function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function parseGeminiPath(path: string): GeminiRoute | undefined {
  if (path.startsWith(AI_STUDIO_PREFIX)) {
    const rest = path.slice(AI_STUDIO_PREFIX.length);
    const colon = rest.lastIndexOf(':');
    if (colon <= 0 || rest.includes('/')) return undefined;
    const model = decoded(rest.slice(0, colon));
    return model === undefined || model === '' ? undefined : { flavor: 'gemini', model, method: rest.slice(colon + 1) };
  }
  const m = VERTEX.exec(path);
  const model = m === null ? undefined : decoded(m[2] as string);
  if (m === null || model === undefined) return undefined;
  return { flavor: 'vertex', publisher: m[1] as string, model, method: m[3] as string };
}
