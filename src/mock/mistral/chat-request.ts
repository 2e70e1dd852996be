// Reads a Mistral chat completion body into the few facts the simulator needs, rejecting what
// Mistral rejects: any field it does not know is a 422 `extra_forbidden` (OpenAI's `stream_options`,
// `logprobs`, `top_logprobs`, `logit_bias`, `user`, `seed`, `max_completion_tokens`…), wrong types
// are 422s, and the message rules of chat-messages.ts are 400s.
//
// Prompt tokens (../usage.ts): ceil(chars / 4) + 3 per message, chars = text content, tool calls'
// name + arguments and tool results' text — the same rule as the OpenAI route.
import { isNonNegativeInteger, isPositiveInteger, isRecord, type JsonRecord } from '../json-shape.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';
import { checkMessages } from './chat-messages.js';
import { extraForbidden, invalidField, invalidRequest } from './wire.js';

export interface MistralChatCall {
  readonly model: string;
  readonly stream: boolean;
  readonly maxTokens: number | undefined;
  /** Names of the offered tools, in order. */
  readonly toolNames: readonly string[];
  readonly promptTokens: number;
}

const TOP_LEVEL = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata', 'response_format',
  'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls', 'reasoning_effort',
  'prompt_mode', 'guardrails', 'prompt_cache_key', 'service_tier', 'safe_prompt',
]);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const CHOICES = new Set(['auto', 'none', 'any', 'required']);

export function parseMistralJson(raw: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidField('json_invalid', [], 'JSON decode error', raw.slice(0, 80));
  }
  if (!isRecord(value)) throw invalidField('model_attributes_type', [], 'Input should be a valid dictionary or object to extract fields from', value);
  return value;
}

function number(body: JsonRecord, key: string, min: number, max: number): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || v < min || v > max) throw invalidField('less_than_equal', [key], `Input should be a number between ${min} and ${max}`, v);
}

function integer(body: JsonRecord, key: string, check: (v: unknown) => boolean): void {
  const v = body[key];
  if (v !== undefined && v !== null && !check(v)) throw invalidField('int_type', [key], 'Input should be a valid integer in range', v);
}

function checkTools(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidField('list_type', ['tools'], 'Input should be a valid list', v);
  return v.map((t, k) => {
    if (!isRecord(t) || (t.type !== undefined && t.type !== 'function')) throw invalidField('literal_error', ['tools', k, 'type'], "Input should be 'function'", t);
    const fn = t.function;
    if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') throw invalidField('missing', ['tools', k, 'function', 'name'], 'Field required');
    for (const key of Object.keys(fn)) if (!['name', 'description', 'parameters', 'strict'].includes(key)) throw extraForbidden(['tools', k, 'function', key], fn[key]);
    if (!isRecord(fn.parameters)) throw invalidField('missing', ['tools', k, 'function', 'parameters'], 'Field required');
    return fn.name;
  });
}

function checkToolChoice(v: unknown, tools: readonly string[]): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'string') {
    if (!CHOICES.has(v)) throw invalidField('enum', ['tool_choice'], "Input should be 'auto', 'none', 'any' or 'required'", v);
    return;
  }
  const fn = isRecord(v) ? v.function : undefined;
  if (!isRecord(fn) || typeof fn.name !== 'string') throw invalidField('missing', ['tool_choice', 'function', 'name'], 'Field required', v);
  if (!tools.includes(fn.name)) throw invalidRequest(`Tool choice function ${fn.name} is not among the provided tools`);
}

function checkResponseFormat(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v) || !['text', 'json_object', 'json_schema'].includes(v.type as string)) {
    throw invalidField('enum', ['response_format', 'type'], "Input should be 'text', 'json_object' or 'json_schema'", v);
  }
  if (v.type === 'json_schema') {
    const js = v.json_schema;
    if (!isRecord(js) || typeof js.name !== 'string' || !isRecord(js.schema)) throw invalidField('missing', ['response_format', 'json_schema'], 'Field required: name and schema', js);
  }
}

export function parseMistralChatBody(raw: string): MistralChatCall {
  const body = parseMistralJson(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw extraForbidden([key], body[key]);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw invalidField('missing', ['model'], 'Field required', model);
  const { chars, count } = checkMessages(body.messages);
  number(body, 'temperature', 0, 2);
  number(body, 'top_p', 0, 1);
  number(body, 'presence_penalty', -2, 2);
  number(body, 'frequency_penalty', -2, 2);
  integer(body, 'max_tokens', isNonNegativeInteger);
  integer(body, 'random_seed', isNonNegativeInteger);
  integer(body, 'n', isPositiveInteger);
  const stop = body.stop;
  if (stop !== undefined && stop !== null && typeof stop !== 'string' && !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))) {
    throw invalidField('string_type', ['stop'], 'Input should be a valid string or list of strings', stop);
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw invalidField('bool_type', ['stream'], 'Input should be a valid boolean', body.stream);
  const toolNames = checkTools(body.tools);
  checkToolChoice(body.tool_choice, toolNames);
  checkResponseFormat(body.response_format);
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && !EFFORTS.has(effort as string)) throw invalidField('enum', ['reasoning_effort'], `Input should be one of ${[...EFFORTS].join(', ')}`, effort);
  const tier = body.service_tier;
  if (tier !== undefined && tier !== null && tier !== 'auto' && tier !== 'standard_only') throw invalidField('enum', ['service_tier'], "Input should be 'auto' or 'standard_only'", tier);
  const max = body.max_tokens;
  return {
    model,
    stream: body.stream === true,
    maxTokens: typeof max === 'number' ? max : undefined,
    toolNames,
    promptTokens: tokensForChars(chars) + TOKENS_PER_MESSAGE * count,
  };
}
