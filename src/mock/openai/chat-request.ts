// Reads a Chat Completions body (OpenAI or Azure) into the few facts the simulator needs, rejecting what
// OpenAI would reject with a 400 in its own words. Unknown fields are accepted, as the API does.
//
// Prompt tokens (see usage.ts): ceil(chars / 4) + 3 per message, where chars counts, per message, the
// string `content` or every `text` of a content-part array, plus each assistant tool call's function name
// and arguments. Tool definitions, images and other parts are not counted.

import { InvalidRequestError } from '../../core/errors.js';
import { isPositiveInteger, isRecord, type JsonRecord } from '../json-shape.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';

export interface ChatCall {
  /** undefined only on Azure, where the deployment names the model. */
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** max_completion_tokens, else max_tokens. */
  readonly maxTokens: number | undefined;
  /** Names of the offered function tools, in order. */
  readonly toolNames: readonly string[];
  readonly promptTokens: number;
  /** The raw `messages` array (validated), for the simulated prefix cache. */
  readonly messages: readonly JsonRecord[];
}

export function parseJsonBody(raw: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidRequestError(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      null,
      'invalid_json',
    );
  }
  if (!isRecord(value)) {
    throw new InvalidRequestError('Invalid request body: expected a JSON object.', null, 'invalid_type');
  }
  return value;
}

export function readModel(body: JsonRecord, required: boolean): string | undefined {
  const model = body.model;
  if (model === undefined || model === null) {
    if (required) throw new InvalidRequestError('you must provide a model parameter', 'model', 'missing_required_parameter');
    return undefined;
  }
  if (typeof model !== 'string' || model === '') {
    throw new InvalidRequestError("Invalid type for 'model': expected a non-empty string.", 'model', 'invalid_type');
  }
  return model;
}

function partText(part: unknown): number {
  return isRecord(part) && typeof part.text === 'string' ? part.text.length : 0;
}

export function messageChars(msg: JsonRecord): number {
  let chars = 0;
  const content = msg.content;
  if (typeof content === 'string') chars += content.length;
  else if (Array.isArray(content)) for (const part of content) chars += partText(part);
  const calls = msg.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const fn = isRecord(call) ? call.function : undefined;
      if (!isRecord(fn)) continue;
      if (typeof fn.name === 'string') chars += fn.name.length;
      if (typeof fn.arguments === 'string') chars += fn.arguments.length;
    }
  }
  return chars;
}

function readMessages(body: JsonRecord): number {
  const messages = body.messages;
  if (messages === undefined) {
    throw new InvalidRequestError("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(messages)) {
    throw new InvalidRequestError("Invalid type for 'messages': expected an array of objects.", 'messages', 'invalid_type');
  }
  if (messages.length === 0) {
    throw new InvalidRequestError(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  let chars = 0;
  for (let i = 0; i < messages.length; i++) {
    const msg: unknown = messages[i];
    if (!isRecord(msg) || typeof msg.role !== 'string') {
      throw new InvalidRequestError(`Invalid 'messages[${i}]': expected an object with a 'role'.`, `messages[${i}]`, 'invalid_type');
    }
    chars += messageChars(msg);
  }
  return tokensForChars(chars) + TOKENS_PER_MESSAGE * messages.length;
}

function readMaxTokens(body: JsonRecord): number | undefined {
  for (const param of ['max_completion_tokens', 'max_tokens'] as const) {
    const v = body[param];
    if (v === undefined || v === null) continue;
    if (!isPositiveInteger(v)) {
      throw new InvalidRequestError(`Invalid '${param}': expected an integer >= 1.`, param, 'invalid_value');
    }
    return v;
  }
  return undefined;
}

function readToolNames(body: JsonRecord): string[] {
  const tools = body.tools;
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    const fn = tool.function;
    if (isRecord(fn) && typeof fn.name === 'string') names.push(fn.name);
    else if (typeof tool.name === 'string') names.push(tool.name); // custom tools
  }
  return names;
}

export function parseChatBody(raw: string, modelRequired: boolean): ChatCall {
  const body = parseJsonBody(raw);
  const model = readModel(body, modelRequired);
  const promptTokens = readMessages(body);
  const opts = body.stream_options;
  return {
    model,
    stream: body.stream === true,
    includeUsage: body.stream === true && isRecord(opts) && opts.include_usage === true,
    maxTokens: readMaxTokens(body),
    toolNames: readToolNames(body),
    promptTokens,
    messages: body.messages as JsonRecord[],
  };
}
