// POST /mistral/v1/embeddings — Mistral's embeddings (providers.md §3): `{model, input: string |
// string[], output_dimension, output_dtype (float only here), encoding_format (float | base64)}` →
// OpenAI's list shape with `usage.prompt_tokens`. Unknown fields are a 422 extra_forbidden, as on
// the chat route. Vectors are the simulator's deterministic ones (../embedding-vector.ts), 8
// dimensions unless output_dimension says otherwise. Tokens: ceil(chars / 4) (at least 1) per input.
import { embedVector, vectorToBase64 } from '../embedding-vector.js';
import { isPositiveInteger } from '../json-shape.js';
import { DEFAULT_DIMENSIONS } from '../openai/embeddings.js';
import { tokensForChars } from '../usage.js';
import { parseMistralJson } from './chat-request.js';
import { extraForbidden, invalidField } from './wire.js';

const TOP_LEVEL = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format', 'metadata']);

export interface MistralEmbeddingsCall {
  readonly model: string;
  readonly inputs: readonly string[];
  readonly base64: boolean;
  readonly dimensions: number;
  readonly promptTokens: number;
}

export function parseMistralEmbeddingsBody(raw: string): MistralEmbeddingsCall {
  const body = parseMistralJson(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw extraForbidden([key], body[key]);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw invalidField('missing', ['model'], 'Field required', model);
  const input = body.input;
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((s) => typeof s === 'string')) {
    throw invalidField('string_type', ['input'], 'Input should be a valid string or a non-empty list of strings', input);
  }
  if (body.output_dtype !== undefined && body.output_dtype !== null && body.output_dtype !== 'float') {
    throw invalidField('enum', ['output_dtype'], "tollgate mock renders output_dtype 'float' only", body.output_dtype);
  }
  const format = body.encoding_format;
  if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') throw invalidField('enum', ['encoding_format'], "Input should be 'float' or 'base64'", format);
  const dims = body.output_dimension;
  if (dims !== undefined && dims !== null && !isPositiveInteger(dims)) throw invalidField('int_type', ['output_dimension'], 'Input should be a positive integer', dims);
  let promptTokens = 0;
  for (const s of inputs as string[]) promptTokens += Math.max(1, tokensForChars(s.length));
  return { model, inputs: inputs as string[], base64: format === 'base64', dimensions: typeof dims === 'number' ? dims : DEFAULT_DIMENSIONS, promptTokens };
}

/** The response body; pure. */
export function encodeMistralEmbeddings(call: MistralEmbeddingsCall, id: string): string {
  const data = call.inputs
    .map((s, i) => {
      const v = embedVector(s, call.dimensions);
      return `{"object":"embedding","embedding":${JSON.stringify(call.base64 ? vectorToBase64(v) : Array.from(v))},"index":${i}}`;
    })
    .join(',');
  return (
    `{"id":${JSON.stringify(id)},"object":"list","data":[${data}],"model":${JSON.stringify(call.model)},` +
    `"usage":{"prompt_tokens":${call.promptTokens},"total_tokens":${call.promptTokens},"completion_tokens":0}}`
  );
}
