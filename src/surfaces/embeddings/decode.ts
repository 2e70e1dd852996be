// OpenAI Embeddings request body → canonical, frozen EmbeddingsRequest.
import type { EmbeddingsRequest } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { fail, isObject, optInt, optString, requireString } from '../field-checks.js';

const MAX_INPUTS = 2048;

export function decodeEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isObject(body)) fail('body', 'a JSON object', body);
  const model = requireString(body, 'model');
  const input = body['input'];
  if (input === undefined || input === null) throw new InvalidRequestError("Missing required parameter: 'input'", 'input', 'missing_parameter');
  const texts: string[] = [];
  let count: number;
  if (typeof input === 'string') {
    texts.push(input);
    count = 1;
  } else if (Array.isArray(input)) {
    if (input.length === 0) throw new InvalidRequestError("'input' must not be empty", 'input');
    if (input.length > MAX_INPUTS) throw new InvalidRequestError(`'input' has ${input.length} items; at most ${MAX_INPUTS} are allowed`, 'input');
    if (input.every((x) => typeof x === 'string')) {
      texts.push(...(input as string[]));
      count = input.length;
    } else if (input.every((x) => Number.isInteger(x))) {
      count = 1; // one pre-tokenised input
    } else if (input.every((x) => Array.isArray(x) && x.every((t) => Number.isInteger(t)))) {
      count = input.length;
    } else {
      return fail('input', 'a string, an array of strings, or token arrays', input);
    }
  } else {
    return fail('input', 'a string or an array', input);
  }
  const fmt = optString(body, 'encoding_format');
  if (fmt !== undefined && fmt !== 'float' && fmt !== 'base64') fail('encoding_format', '"float" or "base64"', fmt);
  optInt(body, 'dimensions', 1, 65_536);
  const user = optString(body, 'user');
  return deepFreeze({ model, inputCount: count, texts, ...(user ? { user } : {}), source: { wire: 'openai-embeddings', body } });
}
