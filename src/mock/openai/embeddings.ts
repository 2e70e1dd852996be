// POST /v1/embeddings (and Azure's deployment route): input string | string[] | int[] | int[][],
// encoding_format float (default) | base64 (little-endian float32, what openai-node asks for by default),
// dimensions (default 8 here, to keep responses small). Vectors are deterministic per input
// (embedding-vector.ts). Tokens: a string counts ceil(chars / 4) (at least 1), a token array its length.

import { InvalidRequestError } from '../../core/errors.js';
import { embedVector, vectorToBase64 } from '../embedding-vector.js';
import { isNonNegativeInteger, isPositiveInteger, type JsonRecord } from '../json-shape.js';
import { tokensForChars } from '../usage.js';
import { parseJsonBody, readModel } from './chat-request.js';

export const DEFAULT_DIMENSIONS = 8;
const MAX_DIMENSIONS = 8192;
const MAX_INPUTS = 2048;

export type EmbeddingInput = string | readonly number[];

export interface EmbeddingsCall {
  readonly model: string | undefined;
  readonly inputs: readonly EmbeddingInput[];
  readonly base64: boolean;
  readonly dimensions: number;
  readonly promptTokens: number;
}

function invalidInput(): InvalidRequestError {
  return new InvalidRequestError(
    "'$.input' is invalid. Expected a non-empty string, array of strings, array of token ids or array of token-id arrays.",
    'input',
    'invalid_value',
  );
}

function isTokenArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every(isNonNegativeInteger);
}

function readInputs(body: JsonRecord): EmbeddingInput[] {
  const input = body.input;
  if (input === undefined) {
    throw new InvalidRequestError("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  }
  if (typeof input === 'string') {
    if (input === '') throw invalidInput();
    return [input];
  }
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) throw invalidInput();
  if (isTokenArray(input)) return [input];
  const out: EmbeddingInput[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item !== '') out.push(item);
    else if (isTokenArray(item)) out.push(item);
    else throw invalidInput();
  }
  return out;
}

export function parseEmbeddingsBody(raw: string, modelRequired: boolean): EmbeddingsCall {
  const body = parseJsonBody(raw);
  const model = readModel(body, modelRequired);
  const inputs = readInputs(body);
  const format = body.encoding_format;
  if (format !== undefined && format !== null && format !== 'float' && format !== 'base64') {
    throw new InvalidRequestError("Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format', 'invalid_value');
  }
  const dims = body.dimensions;
  if (dims !== undefined && dims !== null && (!isPositiveInteger(dims) || dims > MAX_DIMENSIONS)) {
    throw new InvalidRequestError(`Invalid 'dimensions': expected an integer from 1 to ${MAX_DIMENSIONS}.`, 'dimensions', 'invalid_value');
  }
  let promptTokens = 0;
  for (const i of inputs) promptTokens += typeof i === 'string' ? Math.max(1, tokensForChars(i.length)) : i.length;
  return {
    model,
    inputs,
    base64: format === 'base64',
    dimensions: typeof dims === 'number' ? dims : DEFAULT_DIMENSIONS,
    promptTokens,
  };
}

/** The response body; pure. */
export function encodeEmbeddings(call: EmbeddingsCall, responseModel: string): string {
  let data = '';
  for (let i = 0; i < call.inputs.length; i++) {
    const vec = embedVector(call.inputs[i] as EmbeddingInput, call.dimensions);
    const embedding = call.base64 ? JSON.stringify(vectorToBase64(vec)) : JSON.stringify(Array.from(vec));
    if (i > 0) data += ',';
    data += `{"object":"embedding","index":${i},"embedding":${embedding}}`;
  }
  return (
    `{"object":"list","data":[${data}],"model":${JSON.stringify(responseModel)},` +
    `"usage":{"prompt_tokens":${call.promptTokens},"total_tokens":${call.promptTokens}}}`
  );
}
