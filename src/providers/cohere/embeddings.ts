// Embeddings on Cohere's own API: `POST {basePath}/embed` with `{model, texts (≤ 96), input_type,
// embedding_types:["float"]}` → `{embeddings:{float:[…]}, meta:{billed_units:{input_tokens}}}`
// (providers.md §3, §9). OpenAI's request has no input type; documents are the common case
// (`search_document`). `dimensions` becomes `output_dimension`, which only embed-v4 takes (256, 512,
// 1024, 1536). Token-id inputs are refused. The vectors come back through decodeEmbeddingsResult
// and are re-encoded for the client.
import type { EmbeddingsRequest, EmbeddingsResult } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import type { DecodedResult, ProviderEndpoint, UpstreamRequest } from '../types.js';
import { cohereHeaders } from './encode.js';

export const COHERE_MAX_TEXTS = 96;
const V4_DIMENSIONS = new Set([256, 512, 1024, 1536]);

export function encodeCohereEmbeddings(req: EmbeddingsRequest, ep: ProviderEndpoint, model: string): UpstreamRequest {
  const target = `cohere/${model}`;
  if (req.texts.length !== req.inputCount) throw new UnsupportedParameterError('input', target, 'as token ids is not supported by');
  if (req.inputCount > COHERE_MAX_TEXTS) throw new UnsupportedParameterError('input', target, `with more than ${COHERE_MAX_TEXTS} items is not supported by`);
  const dims = req.source.body['dimensions'];
  if (typeof dims === 'number' && !(/embed-v4/.test(model) && V4_DIMENSIONS.has(dims))) {
    throw new UnsupportedParameterError('dimensions', target, /embed-v4/.test(model) ? `= ${dims} (only 256, 512, 1024, 1536) is not supported by` : 'is not supported by');
  }
  const body = { model, texts: req.texts, input_type: 'search_document', embedding_types: ['float'], ...(typeof dims === 'number' ? { output_dimension: dims } : {}) };
  return { method: 'POST', path: `${ep.basePath}/embed`, headers: cohereHeaders(ep), body: JSON.stringify(body) };
}

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Cohere sent ${what}`);
}

function vector(v: unknown): readonly number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw protocolError('an embedding that is not a list of numbers');
  return v as number[];
}

function inputUsage(meta: unknown): Usage | null {
  const m = meta !== null && typeof meta === 'object' ? (meta as Record<string, { input_tokens?: unknown } | undefined>) : {};
  const n = m['billed_units']?.input_tokens ?? m['tokens']?.input_tokens;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return null;
  return { inputTokens: Math.trunc(n), cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/** `embeddings.float` (embeddings_by_type), or a plain list (embeddings_floats), in input order. */
export function decodeCohereEmbeddingsResult(body: string): EmbeddingsResult {
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    o = parsed as Record<string, unknown>;
  } catch {
    throw protocolError('an embeddings body that is not a JSON object');
  }
  const e = o['embeddings'];
  const list = Array.isArray(e) ? e : e !== null && typeof e === 'object' ? (e as Record<string, unknown>)['float'] : undefined;
  if (!Array.isArray(list)) throw protocolError('an embeddings body without float embeddings');
  return { vectors: list.map(vector), usage: inputUsage(o['meta']) };
}

export function decodeCohereEmbeddings(body: string): DecodedResult {
  try {
    return { usage: decodeCohereEmbeddingsResult(body).usage };
  } catch {
    return { usage: null };
  }
}
