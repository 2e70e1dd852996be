// InvokeModel (`POST /model/{id}/invoke`) for the two embedding families the gateway uses (Converse
// has no embeddings):
// - amazon.titan-embed-text-v2: `{inputText, dimensions? 256|512|1024 (default 1024), normalize?}` →
//   `{embedding, inputTextTokenCount}`;
// - cohere.embed-*: `{texts (1–96), input_type, truncate?, embedding_types?, output_dimension? (v4)}` →
//   `{id, embeddings: {float: […]}, texts, response_type: "embeddings_by_type"}`, or a plain list
//   (`embeddings_floats`) without embedding_types. v3 vectors have 1024 dimensions, v4 1536 by default.
// Vectors are deterministic per text (../embedding-vector.ts). Tokens: ceil(chars / 4), at least 1, per
// text — also sent in the X-Amzn-Bedrock-Input-Token-Count header, as Bedrock does. Other models → 400.
import { embedVector } from '../embedding-vector.js';
import { isRecord, type JsonRecord } from '../json-shape.js';
import { tokensForChars } from '../usage.js';
import { bad, parseJsonObject } from './converse-shape.js';

export interface EmbeddingsCall {
  readonly texts: readonly string[];
  readonly dimensions: number;
  readonly promptTokens: number;
  /** Renders the response body; `id` is Cohere's response id. */
  readonly render: (id: string) => string;
}

const TITAN_KEYS = new Set(['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
const COHERE_KEYS = new Set(['texts', 'input_type', 'truncate', 'embedding_types', 'output_dimension', 'images', 'inputs', 'max_tokens']);
const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

function extraneous(body: JsonRecord, allowed: ReadonlySet<string>): void {
  for (const k of Object.keys(body)) {
    if (!allowed.has(k)) throw bad(`Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`, k);
  }
}

function tokens(texts: readonly string[]): number {
  return texts.reduce((n, t) => n + Math.max(1, tokensForChars(t.length)), 0);
}

const vec = (text: string, dims: number): string => JSON.stringify(Array.from(embedVector(text, dims)));

function titan(body: JsonRecord): EmbeddingsCall {
  extraneous(body, TITAN_KEYS);
  const text = body.inputText;
  if (typeof text !== 'string' || text === '') throw bad('Malformed input request: #: required key [inputText] not found or empty, please reformat your input and try again.', 'inputText');
  const d = body.dimensions ?? 1024;
  if (d !== 256 && d !== 512 && d !== 1024) throw bad('Malformed input request: #/dimensions: 256, 512 or 1024 expected, please reformat your input and try again.', 'dimensions');
  if (body.normalize !== undefined && typeof body.normalize !== 'boolean') throw bad('Malformed input request: #/normalize: expected type: Boolean', 'normalize');
  const byType = Array.isArray(body.embeddingTypes) && body.embeddingTypes.includes('float');
  const promptTokens = tokens([text]);
  return {
    texts: [text],
    dimensions: d,
    promptTokens,
    render: () => {
      const v = vec(text, d);
      return `{"embedding":${v},${byType ? `"embeddingsByType":{"float":${v}},` : ''}"inputTextTokenCount":${promptTokens}}`;
    },
  };
}

function cohere(body: JsonRecord, v4: boolean): EmbeddingsCall {
  extraneous(body, COHERE_KEYS);
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96 || !texts.every((t) => typeof t === 'string' && t !== '')) {
    throw bad('Malformed input request: #/texts: expected 1 to 96 non-empty strings, please reformat your input and try again.', 'texts');
  }
  if (!INPUT_TYPES.has(body.input_type as string)) throw bad('Malformed input request: #/input_type: search_document, search_query, classification or clustering expected', 'input_type');
  const types = body.embedding_types;
  if (types !== undefined && (!Array.isArray(types) || !types.includes('float'))) throw bad('tollgate mock: only embedding_types ["float"] is simulated', 'embedding_types');
  const out = body.output_dimension;
  if (out !== undefined && (!v4 || ![256, 512, 1024, 1536].includes(out as number))) throw bad('Malformed input request: #/output_dimension: 256, 512, 1024 or 1536 expected (embed-v4 only)', 'output_dimension');
  const dims = typeof out === 'number' ? out : v4 ? 1536 : 1024;
  const list = texts as string[];
  return {
    texts: list,
    dimensions: dims,
    promptTokens: tokens(list),
    render: (id) => {
      const vectors = `[${list.map((t) => vec(t, dims)).join(',')}]`;
      const embeddings = types === undefined ? vectors : `{"float":${vectors}}`;
      const kind = types === undefined ? 'embeddings_floats' : 'embeddings_by_type';
      return `{"id":${JSON.stringify(id)},"embeddings":${embeddings},"texts":${JSON.stringify(list)},"response_type":"${kind}"}`;
    },
  };
}

/** undefined when the model is not one of the simulated embedding families. */
export function parseInvokeEmbeddings(modelId: string, raw: string): EmbeddingsCall | undefined {
  const family = /(^|[./])amazon\.titan-embed-text-v2/.test(modelId) ? 'titan' : /(^|[./])cohere\.embed-/.test(modelId) ? 'cohere' : undefined;
  if (family === undefined) return undefined;
  const body = parseJsonObject(raw);
  if (!isRecord(body)) throw bad('Malformed input request');
  return family === 'titan' ? titan(body) : cohere(body, /(^|[./])cohere\.embed-v4/.test(modelId));
}
