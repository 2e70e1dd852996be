// Embeddings on Mistral: `POST {basePath}/embeddings {model, input, output_dimension}` → OpenAI's
// response shape (`data[].embedding`, `usage.prompt_tokens`) (providers.md §3). The body is built
// anew rather than relayed, because Mistral rejects fields it does not know (`user`, `dimensions`):
// `dimensions` becomes `output_dimension`, vectors are always asked for as floats, and the gateway
// re-encodes them in the client's `encoding_format` (base64 included). Token-id inputs are refused.
import type { EmbeddingsRequest, EmbeddingsResult } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import type { DecodedResult, ProviderEndpoint, UpstreamRequest } from '../types.js';
import { mistralHeaders } from './encode.js';
import { usageFromMistral } from './usage.js';

export function encodeMistralEmbeddings(req: EmbeddingsRequest, ep: ProviderEndpoint, model: string): UpstreamRequest {
  if (req.texts.length !== req.inputCount) throw new UnsupportedParameterError('input', `mistral/${model}`, 'as token ids is not supported by');
  const dims = req.source.body['dimensions'];
  const body = { model, input: req.texts, ...(typeof dims === 'number' ? { output_dimension: dims } : {}) };
  return { method: 'POST', path: `${ep.basePath}/embeddings`, headers: mistralHeaders(ep), body: JSON.stringify(body) };
}

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Mistral sent ${what}`);
}

function vector(v: unknown): readonly number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw protocolError('an embedding that is not a list of numbers');
  return v as number[];
}

function inputOnly(u: Usage | null): Usage | null {
  return u === null ? null : { ...u, outputTokens: 0, reasoningTokens: 0 };
}

/** `data[]` ordered by `index` (input order), with the prompt tokens. */
export function decodeMistralEmbeddingsResult(body: string): EmbeddingsResult {
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    o = parsed as Record<string, unknown>;
  } catch {
    throw protocolError('an embeddings body that is not a JSON object');
  }
  const data = o['data'];
  if (!Array.isArray(data)) throw protocolError('an embeddings body without `data`');
  const items = data.map((d: unknown, i) => {
    const e = d !== null && typeof d === 'object' ? (d as Record<string, unknown>) : {};
    return { index: typeof e['index'] === 'number' ? e['index'] : i, vector: vector(e['embedding']) };
  });
  items.sort((a, b) => a.index - b.index);
  return { vectors: items.map((x) => x.vector), usage: inputOnly(usageFromMistral(o['usage'])) };
}

export function decodeMistralEmbeddings(body: string): DecodedResult {
  try {
    return { usage: decodeMistralEmbeddingsResult(body).usage };
  } catch {
    return { usage: null };
  }
}
