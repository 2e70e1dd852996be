// POST /v2/embed — Cohere's embeddings (providers.md §3): `{model, texts (1–96), input_type
// (required), embedding_types (float | base64 here; default float), output_dimension}` →
// `{id, embeddings:{float:[…]} | {base64:[…]}, texts, meta:{api_version, billed_units:{input_tokens}},
// response_type:"embeddings_by_type"}`. Vectors are the simulator's deterministic ones
// (../embedding-vector.ts), 8 dimensions unless output_dimension says otherwise. Tokens: ceil(chars / 4)
// (at least 1) per text, as on the OpenAI route.
import { embedVector, vectorToBase64 } from '../embedding-vector.js';
import { isPositiveInteger } from '../json-shape.js';
import { DEFAULT_DIMENSIONS } from '../openai/embeddings.js';
import { tokensForChars } from '../usage.js';
import { bad } from './chat-messages.js';
import { parseCohereJson } from './chat-request.js';

const MAX_TEXTS = 96;
const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering', 'image']);
const TOP_LEVEL = new Set(['model', 'texts', 'images', 'inputs', 'input_type', 'embedding_types', 'output_dimension', 'truncate', 'max_tokens', 'priority']);
/** What the simulator renders; Cohere also has int8, uint8, binary and ubinary. */
const TYPES = new Set(['float', 'base64']);

export interface CohereEmbedCall {
  readonly model: string;
  readonly texts: readonly string[];
  readonly types: readonly string[];
  readonly dimensions: number;
  readonly promptTokens: number;
}

export function parseCohereEmbedBody(raw: string): CohereEmbedCall {
  const body = parseCohereJson(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`unknown field: parameter ${key} is not a valid field`, key);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw bad('model is required', 'model');
  if (typeof body.input_type !== 'string' || !INPUT_TYPES.has(body.input_type)) throw bad(`input_type must be one of ${[...INPUT_TYPES].join(', ')}`, 'input_type');
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > MAX_TEXTS || !texts.every((t) => typeof t === 'string')) {
    throw bad(`texts must be a list of 1 to ${MAX_TEXTS} strings (the simulator embeds texts only)`, 'texts');
  }
  const types = body.embedding_types ?? ['float'];
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string' && TYPES.has(t))) {
    throw bad('embedding_types must be a non-empty list of float, base64 (what tollgate mock renders)', 'embedding_types');
  }
  const dims = body.output_dimension;
  if (dims !== undefined && dims !== null && !isPositiveInteger(dims)) throw bad('output_dimension must be a positive integer', 'output_dimension');
  let promptTokens = 0;
  for (const t of texts as string[]) promptTokens += Math.max(1, tokensForChars(t.length));
  return { model, texts: texts as string[], types: types as string[], dimensions: typeof dims === 'number' ? dims : DEFAULT_DIMENSIONS, promptTokens };
}

/** The response body; pure. */
export function encodeCohereEmbed(call: CohereEmbedCall, id: string): string {
  const vectors = call.texts.map((t) => embedVector(t, call.dimensions));
  const embeddings = call.types
    .map((type) => `${JSON.stringify(type)}:${JSON.stringify(type === 'base64' ? vectors.map(vectorToBase64) : vectors.map((v) => Array.from(v)))}`)
    .join(',');
  return (
    `{"id":${JSON.stringify(id)},"embeddings":{${embeddings}},"texts":${JSON.stringify(call.texts)},` +
    `"meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":${call.promptTokens}}},"response_type":"embeddings_by_type"}`
  );
}
