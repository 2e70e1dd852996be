// OpenAI Responses request body (`POST /v1/responses`, providers.md §2) → canonical, frozen
// ChatRequest. The whole body is kept in `source` (unknown fields included).
//
// The gateway is stateless:
// - `previous_response_id`, `conversation`, `prompt` (a stored prompt) and `item_reference` items
//   point at state it does not keep → 400 unsupported_parameter saying so;
// - `background: true` needs a stored response to poll → refused;
// - `store` is taken as a hint: `true` is OpenAI's default, so refusing it would refuse every
//   client; nothing is stored and the answer says `store: false`.
// Hints with no canonical field (`truncation: "auto"`, `service_tier`, `prompt_cache_key`,
// `include` entries about built-in tools, `text.verbosity`, `reasoning.summary`…) are left out and
// returned as `ignored` for the caller's debug log. What would change the answer and cannot be
// honoured is refused (R7): logprobs (the canonical answer does not carry them), `moderation`,
// `context_management`. Chat Completions fields that this wire does not have (`messages`,
// `seed`, `stop`…) are refused as unknown, naming their Responses equivalent where there is one.
// Streams always end with usage in `response.completed`, so `streamIncludeUsage` follows `stream`.
import type { ChatRequest } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { fail, isObject, optBool, optInt, optNumber, optString, requireString, type Json } from '../field-checks.js';
import { decodeInput } from './decode-input.js';
import { decodeTextFormat, decodeToolChoice, decodeTools } from './decode-tools.js';
import { statelessRefusal } from './stateless.js';

export interface DecodedResponsesRequest {
  readonly request: ChatRequest;
  /** Request paths left out of the canonical request (hints; for the caller's debug log). */
  readonly ignored: readonly string[];
}

/** Chat Completions fields a migrating client may send; Responses has none of them. */
const CHAT_ONLY: Readonly<Record<string, string>> = {
  messages: "; send the conversation in 'input'",
  max_tokens: "; use 'max_output_tokens'",
  max_completion_tokens: "; use 'max_output_tokens'",
  response_format: "; use 'text.format'",
  reasoning_effort: "; use 'reasoning.effort'",
  stop: '',
  n: '',
  seed: '',
  frequency_penalty: '',
  presence_penalty: '',
  logit_bias: '',
  logprobs: "; logprobs are not available through this gateway's Responses API",
};

/** Top-level hints that change nothing in the answer the canonical request asks for. */
const HINTS = ['service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'max_tool_calls', 'stream_options', 'top_logprobs'] as const;

const INCLUDE_HONOURED = new Set(['reasoning.encrypted_content']);

export function decodeResponsesRequest(body: unknown): ChatRequest {
  return decodeResponses(body).request;
}

export function decodeResponses(body: unknown): DecodedResponsesRequest {
  if (!isObject(body)) fail('body', 'a JSON object', body);
  const model = requireString(body, 'model');
  refuseUnanswerable(body);
  const ignored: string[] = [];
  const present = (k: string): boolean => body[k] !== undefined && body[k] !== null;

  const instructions = optString(body, 'instructions');
  const input = decodeInput(body['input'], instructions);
  ignored.push(...input.ignored);
  const stream = optBool(body, 'stream') ?? false;
  const tools = decodeTools(body['tools']);
  const toolChoice = decodeToolChoice(body['tool_choice']);
  const parallelToolCalls = optBool(body, 'parallel_tool_calls');
  const responseFormat = decodeTextFormat(body['text']);
  if (isObject(body['text']) && body['text']['verbosity'] !== undefined && body['text']['verbosity'] !== null) ignored.push('text.verbosity');
  const maxOutputTokens = optInt(body, 'max_output_tokens', 1, Number.MAX_SAFE_INTEGER);
  const temperature = optNumber(body, 'temperature', 0, 2);
  const topP = optNumber(body, 'top_p', 0, 1);
  optInt(body, 'top_logprobs', 0, 20);
  const reasoningEffort = decodeReasoning(body['reasoning'], ignored);
  const metadata = decodeMetadata(body['metadata']);
  const user = optString(body, 'user') ?? optString(body, 'safety_identifier');
  if (optBool(body, 'store') === true) ignored.push('store');
  decodeInclude(body['include'], ignored);
  const truncation = body['truncation'];
  if (truncation !== undefined && truncation !== null && truncation !== 'auto' && truncation !== 'disabled') fail('truncation', '"auto" or "disabled"', truncation);
  if (truncation === 'auto') ignored.push('truncation');
  for (const k of HINTS) if (present(k)) ignored.push(k);

  const req: ChatRequest = {
    model,
    messages: input.messages,
    stream,
    streamIncludeUsage: stream,
    ...tools,
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(user !== undefined ? { user } : {}),
    source: { wire: 'openai-responses', body },
  };
  return { request: deepFreeze(req), ignored };
}

/** Fields whose meaning the gateway cannot deliver: refused before anything else is read. */
function refuseUnanswerable(body: Json): void {
  const present = (k: string): boolean => body[k] !== undefined && body[k] !== null;
  if (present('previous_response_id')) throw statelessRefusal('previous_response_id', 'a stored response to continue from');
  if (present('conversation')) throw statelessRefusal('conversation', 'a stored conversation');
  if (present('prompt')) throw statelessRefusal('prompt', 'a stored prompt template');
  if (optBool(body, 'background') === true) throw statelessRefusal('background', 'a response run in the background and stored for polling');
  for (const k of ['moderation', 'context_management']) if (present(k)) throw new UnsupportedParameterError(k, 'this gateway');
  for (const [k, hint] of Object.entries(CHAT_ONLY)) {
    if (body[k] !== undefined) throw new InvalidRequestError(`Unknown parameter: '${k}'. The Responses API has no '${k}'${hint}`, k, 'unknown_parameter');
  }
}

function decodeReasoning(v: unknown, ignored: string[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('reasoning', 'an object', v);
  for (const k of ['summary', 'generate_summary', 'mode', 'context']) if (v[k] !== undefined && v[k] !== null) ignored.push(`reasoning.${k}`);
  return optString(v, 'effort', 'reasoning.effort');
}

function decodeInclude(v: unknown, ignored: string[]): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) fail('include', 'an array of strings', v);
  v.forEach((x, i) => {
    if (typeof x !== 'string') fail(`include[${i}]`, 'a string', x);
    if (x === 'message.output_text.logprobs') {
      throw new UnsupportedParameterError('include', 'this gateway', "with 'message.output_text.logprobs' (logprobs do not survive translation between wires) is not supported by");
    }
    // Encrypted reasoning is always included when a provider returns some (reasoning-items.ts).
    if (!INCLUDE_HONOURED.has(x)) ignored.push(`include[${i}]`);
  });
}

function decodeMetadata(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('metadata', 'an object of strings', v);
  for (const [k, val] of Object.entries(v)) if (typeof val !== 'string') fail(`metadata.${k}`, 'a string', val);
  return v as Record<string, string>;
}
