// Reads a Cohere v2 Chat body into the few facts the simulator needs, rejecting with a 400 what
// Cohere rejects — strictly, so a gateway's translation mistakes show up here: unknown top-level
// fields (OpenAI names such as `top_p`, `stop`, `n`, `max_completion_tokens`), `p` outside 0.01–0.99,
// `k` above 500, penalties outside 0–1, more than 5 stop sequences, a tool_choice other than
// REQUIRED/NONE or without tools, and the message rules of chat-messages.ts.
//
// Prompt tokens (../usage.ts): ceil(chars / 4) + 3 per message, chars = text content, tool calls'
// name + arguments and tool results' text — the same rule as the OpenAI route.
import { isNonNegativeInteger, isPositiveInteger, isRecord, type JsonRecord } from '../json-shape.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';
import { bad, checkMessages } from './chat-messages.js';

export interface CohereChatCall {
  readonly model: string;
  readonly stream: boolean;
  readonly maxTokens: number | undefined;
  /** Names of the offered tools, in order. */
  readonly toolNames: readonly string[];
  readonly promptTokens: number;
}

const TOP_LEVEL = new Set([
  'model', 'messages', 'stream', 'tools', 'strict_tools', 'documents', 'citation_options', 'response_format', 'safety_mode',
  'max_tokens', 'stop_sequences', 'temperature', 'seed', 'frequency_penalty', 'presence_penalty', 'k', 'p', 'logprobs',
  'tool_choice', 'thinking', 'priority',
]);

export function parseCohereJson(raw: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad('body is not valid JSON');
  }
  if (!isRecord(value)) throw bad('body must be a JSON object');
  return value;
}

function checkRange(body: JsonRecord, key: string, min: number, max: number): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || v < min || v > max) throw bad(`${key} must be between ${min} and ${max}`, key);
}

function checkTools(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad('tools must be a list', 'tools');
  return v.map((t, k) => {
    if (!isRecord(t) || t.type !== 'function') throw bad(`tools[${k}].type must be function`, `tools[${k}].type`);
    const fn = t.function;
    if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') throw bad(`tools[${k}].function.name is required`, `tools[${k}].function.name`);
    if (!isRecord(fn.parameters)) throw bad(`tools[${k}].function.parameters must be a JSON schema object`, `tools[${k}].function.parameters`);
    return fn.name;
  });
}

function checkResponseFormat(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v) || (v.type !== 'text' && v.type !== 'json_object')) throw bad('response_format.type must be text or json_object', 'response_format.type');
  if (v.json_schema !== undefined && (v.type !== 'json_object' || !isRecord(v.json_schema))) {
    throw bad('response_format.json_schema must be an object, with type json_object', 'response_format.json_schema');
  }
}

function checkThinking(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v) || (v.type !== 'enabled' && v.type !== 'disabled')) throw bad('thinking.type must be enabled or disabled', 'thinking.type');
  if (v.token_budget !== undefined && !isPositiveInteger(v.token_budget)) throw bad('thinking.token_budget must be a positive integer', 'thinking.token_budget');
}

export function parseCohereChatBody(raw: string): CohereChatCall {
  const body = parseCohereJson(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`unknown field: parameter ${key} is not a valid field`, key);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw bad('model is required', 'model');
  const { chars, count } = checkMessages(body.messages);
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw bad('stream must be a boolean', 'stream');
  const maxTokens = body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null && !isPositiveInteger(maxTokens)) throw bad('max_tokens must be a positive integer', 'max_tokens');
  const stops = body.stop_sequences;
  if (stops !== undefined && (!Array.isArray(stops) || stops.length > 5 || !stops.every((s) => typeof s === 'string'))) {
    throw bad('stop_sequences must be a list of up to 5 strings', 'stop_sequences');
  }
  checkRange(body, 'temperature', 0, Number.MAX_VALUE);
  checkRange(body, 'p', 0.01, 0.99);
  checkRange(body, 'frequency_penalty', 0, 1);
  checkRange(body, 'presence_penalty', 0, 1);
  if (body.k !== undefined && (!isNonNegativeInteger(body.k) || body.k > 500)) throw bad('k must be an integer between 0 and 500', 'k');
  if (body.seed !== undefined && !Number.isInteger(body.seed)) throw bad('seed must be an integer', 'seed');
  if (body.logprobs !== undefined && typeof body.logprobs !== 'boolean') throw bad('logprobs must be a boolean', 'logprobs');
  if (body.strict_tools !== undefined && typeof body.strict_tools !== 'boolean') throw bad('strict_tools must be a boolean', 'strict_tools');
  const toolNames = checkTools(body.tools);
  const tc = body.tool_choice;
  if (tc !== undefined && tc !== null) {
    if (tc !== 'REQUIRED' && tc !== 'NONE') throw bad('tool_choice must be REQUIRED or NONE', 'tool_choice');
    if (toolNames.length === 0) throw bad('tool_choice requires tools', 'tool_choice');
  }
  checkResponseFormat(body.response_format);
  checkThinking(body.thinking);
  return {
    model,
    stream: body.stream === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    toolNames,
    promptTokens: tokensForChars(chars) + TOKENS_PER_MESSAGE * count,
  };
}
