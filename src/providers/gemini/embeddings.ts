// OpenAI-shaped embeddings requests → Gemini's embedding wires, and their answers back (providers.md §5):
// - AI Studio: POST …/models/{m}:batchEmbedContents {requests:[{model:"models/{m}", content:{parts:[{text}]}}]}
//   → {embeddings:[{values}]} (no token counts: the gateway then bills its own count of the inputs);
// - Vertex: POST …/models/{m}:predict {instances:[{content}]} → {predictions:[{embeddings:{values,
//   statistics:{token_count}}}]}, whose token counts are summed into the usage.
// `dimensions` → outputDimensionality. Token-id inputs have no Gemini form and are refused.
import type { EmbeddingsRequest, EmbeddingsResult } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import type { DecodedResult, ProviderEndpoint, UpstreamRequest } from '../types.js';
import { protocolError } from './decode-response.js';
import { geminiHeaders, geminiPath, geminiTarget, type GeminiFlavor } from './endpoint.js';
import { usageFromGemini } from './usage.js';
import { type Json, obj } from '../shared/json-fields.js';

export function encodeGeminiEmbeddings(flavor: GeminiFlavor, req: EmbeddingsRequest, ep: ProviderEndpoint, model: string): UpstreamRequest {
  const target = geminiTarget(flavor, model);
  if (req.texts.length !== req.inputCount) throw new UnsupportedParameterError('input', target, '(token ids instead of text) is not supported by');
  const dims = req.source.body['dimensions'];
  const outputDimensionality = typeof dims === 'number' ? dims : undefined;
  let body: unknown;
  if (flavor === 'gemini') {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    body = {
      requests: req.texts.map((text) => ({ model: name, content: { parts: [{ text }] }, ...(outputDimensionality !== undefined ? { outputDimensionality } : {}) })),
    };
  } else {
    body = {
      instances: req.texts.map((content) => ({ content })),
      ...(outputDimensionality !== undefined ? { parameters: { outputDimensionality } } : {}),
    };
  }
  return {
    method: 'POST',
    path: geminiPath(flavor, ep, model, flavor === 'gemini' ? 'batchEmbedContents' : 'predict'),
    headers: geminiHeaders(flavor, ep),
    body: JSON.stringify(body),
  };
}

function vector(v: unknown, at: string): number[] {
  const values = obj(v)?.['values'];
  if (!Array.isArray(values) || !values.every((x) => typeof x === 'number')) throw protocolError(`an embedding without numeric values (${at})`);
  return values as number[];
}

/** Vertex's per-instance token counts, summed; null when no instance reports one. */
function predictionUsage(predictions: readonly unknown[]): Usage | null {
  let total = 0;
  let seen = false;
  for (const p of predictions) {
    const n = obj(obj(obj(p)?.['embeddings'])?.['statistics'])?.['token_count'];
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) {
      total += Math.trunc(n);
      seen = true;
    }
  }
  return seen ? { ...ZERO_USAGE, inputTokens: total } : null;
}

function parse(body: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw protocolError('an embeddings body that is not JSON');
  }
  const o = obj(parsed);
  if (o === undefined) throw protocolError('an embeddings body that is not an object');
  return o;
}

/** Either wire's answer (batchEmbedContents or predict): vectors in input order, and usage when given. */
export function decodeGeminiEmbeddingsResult(body: string): EmbeddingsResult {
  const o = parse(body);
  const predictions = o['predictions'];
  if (Array.isArray(predictions)) {
    return { vectors: predictions.map((p, i) => vector(obj(p)?.['embeddings'], `predictions[${i}]`)), usage: predictionUsage(predictions) };
  }
  const embeddings = o['embeddings'];
  if (Array.isArray(embeddings)) {
    return { vectors: embeddings.map((e, i) => vector(e, `embeddings[${i}]`)), usage: usageFromGemini(o['usageMetadata']) };
  }
  const single = o['embedding'];
  if (single !== undefined) return { vectors: [vector(single, 'embedding')], usage: usageFromGemini(o['usageMetadata']) };
  throw protocolError('an embeddings body without embeddings or predictions');
}

/** Usage only (null when the wire gives none, or the body is unreadable). */
export function decodeGeminiEmbeddings(body: string): DecodedResult {
  try {
    return { usage: decodeGeminiEmbeddingsResult(body).usage };
  } catch {
    return { usage: null };
  }
}
