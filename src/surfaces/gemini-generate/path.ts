// Gemini's REST routes put the model and the method in the path: `/v1beta/models/{model}:{method}`
// (providers.md §5). The official SDK joins `models/` and the model name without escaping, so a
// gateway alias with a slash (`openai/gpt-x`) arrives as more path segments; the method is what
// follows the LAST colon, since model ids may hold colons themselves.
//
// Streaming is `streamGenerateContent?alt=sse`. Without `alt=sse` Gemini streams one JSON array
// instead of events; the gateway speaks only SSE and says so with a 400 rather than answering a
// client in a framing it does not expect.
import { InvalidRequestError, RouteNotFoundError, UnsupportedParameterError, type GatewayError } from '../../core/errors.js';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent';

export type GeminiRouteMatch =
  | {
      readonly kind: 'generate';
      /** The model as the client named it (percent-decoded, without `models/`). */
      readonly model: string;
      readonly method: GeminiMethod;
      readonly stream: boolean;
      /** A low-cardinality name for logs and metrics. */
      readonly name: string;
    }
  /** A Gemini model path the gateway does not serve: answer with this error in Gemini's shape. */
  | { readonly kind: 'refused'; readonly error: GatewayError };

const MODEL_PATH = /^\/(v1|v1beta|v1alpha)\/models\/(.+):([A-Za-z]+)$/;

/**
 * The Gemini route of a request URL (path and query), or undefined when the path is not a Gemini
 * model method at all (the caller's own 404 applies). Only POST is meaningful; the caller checks it.
 */
export function matchGeminiRoute(rawUrl: string): GeminiRouteMatch | undefined {
  const q = rawUrl.indexOf('?');
  const path = normalise(q === -1 ? rawUrl : rawUrl.slice(0, q));
  const m = MODEL_PATH.exec(path);
  if (m === null) return undefined;
  const version = m[1] ?? 'v1beta';
  const method = m[3] ?? '';
  const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
  if (method !== 'generateContent' && method !== 'streamGenerateContent') {
    return { kind: 'refused', error: new RouteNotFoundError('POST', `/${version}/models/{model}:${method}`) };
  }
  let model: string;
  try {
    model = decodeURIComponent(m[2] ?? '');
  } catch {
    return { kind: 'refused', error: new InvalidRequestError('Invalid value for the model in the path: bad percent-encoding', 'model') };
  }
  const stream = method === 'streamGenerateContent';
  const alt = query.get('alt');
  if (stream && alt !== 'sse') {
    return {
      kind: 'refused',
      error: new UnsupportedParameterError('alt', 'this gateway', `must be 'sse' on streamGenerateContent: the streamed JSON array (alt=${alt ?? 'json'}) is not supported by`),
    };
  }
  if (!stream && alt !== null && alt !== 'json') {
    return { kind: 'refused', error: new UnsupportedParameterError('alt', 'this gateway', `'${alt}' on generateContent is not supported by`) };
  }
  return { kind: 'generate', model, method, stream, name: `/${version}/models/{model}:${method}` };
}

/** Same normalisation as the server's routes: repeated slashes collapse, a trailing slash goes. */
function normalise(p: string): string {
  let out = p.includes('//') ? p.replace(/\/{2,}/g, '/') : p;
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}
