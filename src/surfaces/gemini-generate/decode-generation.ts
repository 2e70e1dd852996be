// Gemini `generationConfig` (providers.md §5, §15) → canonical sampling, output and reasoning fields.
//
// - responseMimeType application/json + responseSchema | responseJsonSchema → json_schema (the
//   OpenAPI-subset schema turned into JSON Schema; `strict` left unset, since Gemini does not make
//   every property required as strict modes elsewhere do); application/json alone → json_object;
//   text/plain → nothing; any other type (text/x.enum…) → 400 unsupported_parameter.
// - thinkingBudget 0 → effort "none", -1 (dynamic) → the model's default, n > 0 → a budget;
//   thinkingLevel → the same effort in lower case.
// - responseModalities other than TEXT → 400: the canonical answer is text and tool calls.
import type { ChatRequest, ResponseFormat } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import { fail, isObject, optBool, optInt, optNumber, optString, type Json } from '../field-checks.js';
import { geminiSchemaToJsonSchema } from './schema.js';

export type GenerationFields = Pick<
  ChatRequest,
  | 'responseFormat'
  | 'stop'
  | 'temperature'
  | 'topP'
  | 'topK'
  | 'maxOutputTokens'
  | 'n'
  | 'seed'
  | 'logprobs'
  | 'topLogprobs'
  | 'reasoningEffort'
  | 'reasoningBudgetTokens'
  | 'frequencyPenalty'
  | 'presencePenalty'
>;

const G = 'generationConfig';
const MAX = Number.MAX_SAFE_INTEGER;
const LEVELS = new Set(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);

export function decodeGenerationConfig(v: unknown): GenerationFields {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) fail(G, 'an object', v);
  const at = (k: string): string => `${G}.${k}`;
  textOnly(v);
  const responseLogprobs = optBool(v, 'responseLogprobs', at('responseLogprobs'));
  const topLogprobs = optInt(v, 'logprobs', 0, 20, at('logprobs'));
  if (topLogprobs !== undefined && responseLogprobs !== true) {
    throw new InvalidRequestError(`Invalid value for '${at('logprobs')}': only valid with responseLogprobs: true`, at('logprobs'));
  }
  return {
    ...optional('temperature', optNumber(v, 'temperature', 0, 2, at('temperature'))),
    ...optional('topP', optNumber(v, 'topP', 0, 1, at('topP'))),
    ...optional('topK', optInt(v, 'topK', 0, MAX, at('topK'))),
    ...optional('n', optInt(v, 'candidateCount', 1, 128, at('candidateCount'))),
    ...optional('maxOutputTokens', optInt(v, 'maxOutputTokens', 1, MAX, at('maxOutputTokens'))),
    ...optional('stop', stopSequences(v['stopSequences'])),
    ...optional('seed', optInt(v, 'seed', Number.MIN_SAFE_INTEGER, MAX, at('seed'))),
    ...optional('presencePenalty', optNumber(v, 'presencePenalty', -2, 2, at('presencePenalty'))),
    ...optional('frequencyPenalty', optNumber(v, 'frequencyPenalty', -2, 2, at('frequencyPenalty'))),
    ...optional('logprobs', responseLogprobs),
    ...optional('topLogprobs', topLogprobs),
    ...optional('responseFormat', responseFormat(v)),
    ...thinking(v['thinkingConfig']),
  };
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function textOnly(v: Json): void {
  const m = v['responseModalities'];
  if (m === undefined || m === null) return;
  if (!Array.isArray(m)) fail(`${G}.responseModalities`, 'an array of strings', m);
  m.forEach((x, k) => {
    if (typeof x !== 'string') fail(`${G}.responseModalities[${k}]`, 'a string', x);
    if (x.toUpperCase() !== 'TEXT') throw new UnsupportedParameterError(`${G}.responseModalities`, 'this gateway', `'${x}' is not supported by`);
  });
}

function stopSequences(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  return fail(`${G}.stopSequences`, 'an array of strings', v);
}

function responseFormat(v: Json): ResponseFormat | undefined {
  const mime = optString(v, 'responseMimeType', `${G}.responseMimeType`);
  const openApi = schemaAt(v, 'responseSchema');
  const json = schemaAt(v, 'responseJsonSchema');
  if (openApi !== undefined && json !== undefined) {
    throw new InvalidRequestError(`Invalid value for '${G}': set responseSchema or responseJsonSchema, not both`, `${G}.responseJsonSchema`);
  }
  const schema = openApi !== undefined ? geminiSchemaToJsonSchema(openApi) : json;
  if (mime === undefined || mime === 'application/json') {
    if (schema !== undefined) return { type: 'json_schema', name: 'response', schema };
    return mime === undefined ? undefined : { type: 'json_object' };
  }
  if (mime === 'text/plain') {
    if (schema === undefined) return undefined;
    throw new InvalidRequestError(`Invalid value for '${G}.responseMimeType': a response schema needs application/json`, `${G}.responseMimeType`);
  }
  throw new UnsupportedParameterError(`${G}.responseMimeType`, 'this gateway', `'${mime}' is not supported by`);
}

function schemaAt(v: Json, key: string): Json | undefined {
  const s = v[key];
  if (s === undefined || s === null) return undefined;
  if (!isObject(s)) fail(`${G}.${key}`, 'a schema object', s);
  return s;
}

function thinking(tc: unknown): Pick<GenerationFields, 'reasoningEffort' | 'reasoningBudgetTokens'> {
  const p = `${G}.thinkingConfig`;
  if (tc === undefined || tc === null) return {};
  if (!isObject(tc)) fail(p, 'an object', tc);
  const budget = optInt(tc, 'thinkingBudget', -1, MAX, `${p}.thinkingBudget`);
  const rawLevel = optString(tc, 'thinkingLevel', `${p}.thinkingLevel`);
  const level = rawLevel === undefined || rawLevel.toUpperCase() === 'THINKING_LEVEL_UNSPECIFIED' ? undefined : rawLevel.toUpperCase();
  if (level !== undefined && !LEVELS.has(level)) {
    throw new InvalidRequestError(`Invalid value for '${p}.thinkingLevel': expected one of MINIMAL, LOW, MEDIUM, HIGH; got ${JSON.stringify(rawLevel)}`, `${p}.thinkingLevel`);
  }
  if (level !== undefined && budget !== undefined) {
    throw new InvalidRequestError(`Invalid value for '${p}': set thinkingBudget or thinkingLevel, not both`, `${p}.thinkingLevel`);
  }
  if (level !== undefined) return { reasoningEffort: level.toLowerCase() };
  if (budget === undefined || budget === -1) return {};
  return budget === 0 ? { reasoningEffort: 'none' } : { reasoningBudgetTokens: budget };
}
