// Gemini's embedding and token-counting methods (providers.md §5):
//   AI Studio  :batchEmbedContents {requests:[{model:"models/{m}", content, taskType?, title?, outputDimensionality?}]}
//                → {embeddings:[{values}]}          (no token counts, as Gemini answers)
//              :embedContent {content, …}          → {embedding:{values}}
//   Vertex     :predict {instances:[{content, task_type?, title?}], parameters?:{outputDimensionality?, autoTruncate?}}
//                → {predictions:[{embeddings:{statistics:{truncated, token_count}, values}}], metadata:{billableCharacterCount}}
//   both       :countTokens {contents} | {generateContentRequest} → {totalTokens, promptTokensDetails}
// Vectors are the simulator's deterministic unit vectors (8 dimensions unless asked). Each text costs
// ceil(chars / 4) tokens, at least 1, as on the OpenAI route.
import { embedVector } from '../embedding-vector.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';
import { bad, int, join, list, readFields, record, str, type Fields } from './fields.js';
import { parseGenerateBody, parseJsonBody } from './generate-request.js';
import type { GeminiRoute } from './paths.js';
import { checkContents } from './request-contents.js';

export const DEFAULT_GEMINI_DIMENSIONS = 8;
const MAX_DIMENSIONS = 3072;
const MAX_BATCH = 100;

export interface EmbedCall {
  readonly texts: readonly string[];
  readonly dimensions: number;
  readonly promptTokens: number;
}

const REQUEST_FIELDS = new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality']);
const CONTENT_FIELDS = new Set(['role', 'parts']);
const PART_FIELDS = new Set(['text']);

function textTokens(t: string): number {
  return Math.max(1, tokensForChars(t.length));
}

function dimensions(f: Fields, at: string): number {
  const d = int(f, 'outputDimensionality', at);
  if (d === undefined) return DEFAULT_GEMINI_DIMENSIONS;
  if (d < 1 || d > MAX_DIMENSIONS) throw bad(`* ${at || 'request'}.output_dimensionality: must be between 1 and ${MAX_DIMENSIONS}.\n`, join(at, 'outputDimensionality'));
  return d;
}

/** An embed content: text parts only, joined. */
function contentText(v: unknown, at: string): string {
  const f = readFields(v, CONTENT_FIELDS, at, 'Content');
  const parts = list(f, 'parts', at);
  if (parts === undefined || parts.length === 0) throw bad(`* ${at}.parts: contents.parts must not be empty.\n`, `${at}.parts`);
  return parts.map((p: unknown, j: number) => str(readFields(p, PART_FIELDS, `${at}.parts[${j}]`, 'Part'), 'text', `${at}.parts[${j}]`) ?? '').join('');
}

function embedRequest(v: unknown, at: string, route: GeminiRoute): { text: string; dims: number } {
  const f = readFields(v, REQUEST_FIELDS, at, 'EmbedContentRequest');
  const model = str(f, 'model', at);
  if (model !== undefined && model !== `models/${route.model}`) {
    throw bad(`* BatchEmbedContentsRequest.${join(at, 'model')}: the model must be the one in the URL, models/${route.model}.\n`, join(at, 'model'));
  }
  str(f, 'taskType', at);
  str(f, 'title', at);
  if (!f.has('content')) throw bad(`* ${at || 'EmbedContentRequest'}.content: content is required.\n`, join(at, 'content'));
  return { text: contentText(f.get('content'), join(at, 'content')), dims: dimensions(f, at) };
}

function call(items: readonly { text: string; dims: number }[]): EmbedCall {
  let promptTokens = 0;
  for (const i of items) promptTokens += textTokens(i.text);
  return { texts: items.map((i) => i.text), dimensions: items[0]?.dims ?? DEFAULT_GEMINI_DIMENSIONS, promptTokens };
}

export function parseBatchEmbed(raw: string, route: GeminiRoute): EmbedCall {
  const f = readFields(parseJsonBody(raw), new Set(['requests']), '', 'BatchEmbedContentsRequest');
  const requests = list(f, 'requests', '') ?? [];
  if (requests.length === 0) throw bad('* BatchEmbedContentsRequest.requests: requests must not be empty.\n', 'requests');
  if (requests.length > MAX_BATCH) throw bad(`* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH} requests can be in one batch.\n`, 'requests');
  return call(requests.map((r: unknown, i: number) => embedRequest(r, `requests[${i}]`, route)));
}

export function parseEmbedContent(raw: string, route: GeminiRoute): EmbedCall {
  return call([embedRequest(parseJsonBody(raw), '', route)]);
}

const INSTANCE_FIELDS = new Set(['content', 'taskType', 'title']);
const PARAMETER_FIELDS = new Set(['outputDimensionality', 'autoTruncate']);

export function parsePredict(raw: string): EmbedCall {
  const f = readFields(parseJsonBody(raw), new Set(['instances', 'parameters']), '', 'PredictRequest');
  const instances = list(f, 'instances', '') ?? [];
  if (instances.length === 0) throw bad('instances must not be empty.', 'instances');
  const params = record(f, 'parameters', '');
  const dims = params === undefined ? DEFAULT_GEMINI_DIMENSIONS : dimensions(readFields(params, PARAMETER_FIELDS, 'parameters', 'Struct'), 'parameters');
  return call(
    instances.map((v: unknown, i: number) => {
      const at = `instances[${i}]`;
      const text = str(readFields(v, INSTANCE_FIELDS, at, 'Struct'), 'content', at);
      if (text === undefined || text === '') throw bad(`${at}.content is required and must be a non-empty string.`, `${at}.content`);
      return { text, dims };
    }),
  );
}

function values(text: string, dims: number): number[] {
  return Array.from(embedVector(text, dims));
}

export function encodeBatchEmbed(c: EmbedCall): string {
  return JSON.stringify({ embeddings: c.texts.map((t) => ({ values: values(t, c.dimensions) })) }, null, 2);
}

export function encodeEmbedContent(c: EmbedCall): string {
  return JSON.stringify({ embedding: { values: values(c.texts[0] ?? '', c.dimensions) } }, null, 2);
}

export function encodePredict(c: EmbedCall): string {
  const predictions = c.texts.map((t) => ({ embeddings: { statistics: { truncated: false, token_count: textTokens(t) }, values: values(t, c.dimensions) } }));
  const chars = c.texts.reduce((n, t) => n + t.length, 0);
  return JSON.stringify({ predictions, metadata: { billableCharacterCount: chars } }, null, 2);
}

/**
 * countTokens: the prompt tokens generateContent would report. AI Studio takes {contents} or
 * {generateContentRequest}; Vertex takes the generate request's own fields.
 */
export function countTokens(raw: string, route: GeminiRoute): string {
  let total: number;
  if (route.flavor === 'vertex') total = parseGenerateBody(raw, route.model, route.flavor).promptTokens;
  else {
    const f = readFields(parseJsonBody(raw), new Set(['contents', 'generateContentRequest']), '', 'CountTokensRequest');
    const inner = f.get('generateContentRequest');
    if (inner !== undefined) total = parseGenerateBody(JSON.stringify(inner), route.model, route.flavor).promptTokens;
    else {
      const { chars, turns } = checkContents(f.get('contents'), route.flavor);
      total = tokensForChars(chars) + TOKENS_PER_MESSAGE * turns.length;
    }
  }
  return JSON.stringify({ totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] }, null, 2);
}
