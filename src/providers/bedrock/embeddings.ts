// Embeddings on Bedrock: Converse has none, so they go through InvokeModel
// (`POST {basePath}/model/{id}/invoke`) with the model family's own body:
// - amazon.titan-embed-text-v2: ONE `inputText` (+ dimensions 256|512|1024, normalize) →
//   `{embedding, inputTextTokenCount}`;
// - cohere.embed-*: `{texts (≤ 96), input_type, embedding_types:["float"]}` →
//   `{embeddings:{float:[…]}}` (or a plain list); embed-v4 takes `output_dimension`.
// What a family cannot take (several inputs for Titan, token-id inputs, other dimensions) is refused.
// The vectors come back through decodeEmbeddingsResult and are re-encoded for the client.
import type { EmbeddingsRequest, EmbeddingsResult } from '../../core/chat.js';
import { UnsupportedParameterError, UpstreamUnavailableError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import type { DecodedResult, ProviderEndpoint, UpstreamRequest } from '../types.js';
import { bedrockHeaders } from './auth.js';
import { bedrockTarget, modelPath } from './model-id.js';

const TITAN_DIMENSIONS = new Set([256, 512, 1024]);
const COHERE_V4_DIMENSIONS = new Set([256, 512, 1024, 1536]);
const COHERE_MAX_TEXTS = 96;

type Family = 'titan' | 'cohere' | 'cohere-v4';

function family(model: string): Family | undefined {
  if (/(^|[./])amazon\.titan-embed-text-v2/.test(model)) return 'titan';
  if (/(^|[./])cohere\.embed-v4/.test(model)) return 'cohere-v4';
  if (/(^|[./])cohere\.embed-/.test(model)) return 'cohere';
  return undefined;
}

function requestedDimensions(req: EmbeddingsRequest): number | undefined {
  const d = req.source.body['dimensions'];
  return typeof d === 'number' ? d : undefined;
}

export function encodeBedrockEmbeddings(req: EmbeddingsRequest, ep: ProviderEndpoint, model: string): UpstreamRequest {
  const target = bedrockTarget(model);
  const f = family(model);
  if (f === undefined) throw new UnsupportedParameterError('model', target, '(an embeddings request to a model other than amazon.titan-embed-text-v2 or cohere.embed-*) is not supported by');
  if (req.texts.length !== req.inputCount) throw new UnsupportedParameterError('input', target, 'as token ids is not supported by');
  const dims = requestedDimensions(req);
  let body: Record<string, unknown>;
  if (f === 'titan') {
    if (req.inputCount !== 1) throw new UnsupportedParameterError('input', target, 'with more than one item (Titan embeds one text per call) is not supported by');
    if (dims !== undefined && !TITAN_DIMENSIONS.has(dims)) throw new UnsupportedParameterError('dimensions', target, `= ${dims} (only 256, 512, 1024) is not supported by`);
    body = { inputText: req.texts[0], ...(dims !== undefined ? { dimensions: dims } : {}), normalize: true };
  } else {
    if (req.inputCount > COHERE_MAX_TEXTS) throw new UnsupportedParameterError('input', target, `with more than ${COHERE_MAX_TEXTS} items is not supported by`);
    if (dims !== undefined && (f !== 'cohere-v4' || !COHERE_V4_DIMENSIONS.has(dims))) {
      throw new UnsupportedParameterError('dimensions', target, f === 'cohere-v4' ? `= ${dims} (only 256, 512, 1024, 1536) is not supported by` : 'is not supported by');
    }
    body = { texts: req.texts, input_type: 'search_document', embedding_types: ['float'], ...(dims !== undefined ? { output_dimension: dims } : {}) };
  }
  return { method: 'POST', path: modelPath(ep.basePath, model, 'invoke'), headers: bedrockHeaders(ep, 'application/json'), body: JSON.stringify(body) };
}

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Bedrock sent ${what}`);
}

function vector(v: unknown): readonly number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw protocolError('an embedding that is not a list of numbers');
  return v as number[];
}

function inputUsage(tokens: unknown): Usage | null {
  if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) return null;
  return { inputTokens: Math.trunc(tokens), cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/** InvokeModel's own count of the input tokens (every model family; Cohere's only source of it). */
export const INPUT_TOKEN_COUNT_HEADER = 'x-amzn-bedrock-input-token-count';

function headerCount(headers: Readonly<Record<string, string | string[] | undefined>> | undefined): Usage | null {
  const v = headers?.[INPUT_TOKEN_COUNT_HEADER];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && /^\d+$/.test(s.trim()) ? inputUsage(Number(s)) : null;
}

/**
 * Titan's or Cohere's answer → vectors in input order, with usage from the body where it has it,
 * else from InvokeModel's token-count header (Cohere's body has none): what Bedrock bills.
 */
export function decodeBedrockEmbeddingsResult(body: string, headers?: Readonly<Record<string, string | string[] | undefined>>): EmbeddingsResult {
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    o = parsed as Record<string, unknown>;
  } catch {
    throw protocolError('an embeddings body that is not a JSON object');
  }
  if (o['embedding'] !== undefined) return { vectors: [vector(o['embedding'])], usage: inputUsage(o['inputTextTokenCount']) ?? headerCount(headers) };
  const e = o['embeddings'];
  const list = Array.isArray(e) ? e : e !== null && typeof e === 'object' ? (e as Record<string, unknown>)['float'] : undefined;
  if (!Array.isArray(list)) throw protocolError('an embeddings body with neither `embedding` nor `embeddings`');
  // Cohere on Bedrock reports tokens only in the header; a `meta.billed_units` (Cohere's own API) is read if present.
  const meta = o['meta'] as { billed_units?: { input_tokens?: unknown } } | undefined;
  return { vectors: list.map(vector), usage: inputUsage(meta?.billed_units?.input_tokens) ?? headerCount(headers) };
}

export function decodeBedrockEmbeddings(body: string): DecodedResult {
  try {
    return { usage: decodeBedrockEmbeddingsResult(body).usage };
  } catch {
    return { usage: null };
  }
}
