// Canonical ChatRequest → Anthropic Messages request (providers.md §4, §14, §15). Pure: the same
// frozen request always gives the same bytes (fixed key order, nothing per-request in the prefix), so
// Anthropic's prompt cache sees a stable prefix (C1).
//
// Parameters the canonical model does not carry yet (frequency/presence penalties, logit_bias,
// safety_identifier, service_tier and OpenAI-only features) are read from the client's own body when
// it came in on the OpenAI wire (`req.source.body`): the OpenAI decoder keeps the whole body there
// and the canonical fields stay authoritative when a decoder sets them.
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint } from '../types.js';
import { encodeConversation } from './encode-messages.js';
import { ParamGate } from './param-gate.js';
import type { AnthropicEffort, AnthropicOutputConfig, AnthropicRequestBody, AnthropicThinking, AnthropicToolChoice } from './wire-types.js';

/** Anthropic requires max_tokens; sent when the client set none, and reported (providers.md §14). */
export const DEFAULT_MAX_TOKENS = 4096;
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic's temperature range is 0–1; OpenAI's is 0–2. Never clamped silently. */
export const MAX_TEMPERATURE = 1;

/** The shared translation contract (../types.ts), under the names this adapter's files use. */
export type AnthropicEncodeOptions = ChatEncodeOptions;
export type AnthropicEncoded = EncodedChat;

/** OpenAI-only request fields with no Anthropic equivalent: refused unless dropped (providers.md §15 "—"). */
const OPENAI_ONLY = ['functions', 'function_call', 'audio', 'prediction', 'web_search_options', 'verbosity'] as const;
/** Pure hints (providers.md §0.1): left out and listed. */
const HINTS = ['store', 'metadata', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options'] as const;

const EFFORTS = new Set<string>(['low', 'medium', 'high', 'xhigh', 'max']);

type SourceFields = Readonly<Record<string, unknown>>;

function sourceFields(req: ChatRequest): SourceFields {
  return req.source.wire === 'openai-chat' ? req.source.body : {};
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function nonZero(v: unknown): boolean {
  return typeof v === 'number' && v !== 0;
}

function refuseUnsupported(req: ChatRequest, src: SourceFields, gate: ParamGate): void {
  if (req.n !== undefined && req.n > 1) gate.refuse('n', 'n', 'greater than 1 is not supported by');
  if (req.logprobs === true) gate.refuse('logprobs');
  if (req.topLogprobs !== undefined && req.topLogprobs > 0) gate.refuse('top_logprobs');
  if (req.seed !== undefined) gate.refuse('seed');
  if (nonZero(req.frequencyPenalty ?? src['frequency_penalty'])) gate.refuse('frequency_penalty');
  if (nonZero(req.presencePenalty ?? src['presence_penalty'])) gate.refuse('presence_penalty');
  const bias = src['logit_bias'];
  const biased = req.logitBias ?? (bias !== null && typeof bias === 'object' && Object.keys(bias).length > 0);
  if (biased) gate.refuse('logit_bias');
  if (req.responseFormat?.type === 'json_object') {
    gate.refuse('response_format', 'response_format', "of type 'json_object' (JSON mode without a schema; send json_schema) is not supported by");
  }
  for (const key of OPENAI_ONLY) if (present(src[key])) gate.refuse(key);
  const modalities = src['modalities'];
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) gate.refuse('modalities', 'modalities', 'other than ["text"] is not supported by');
  for (const key of HINTS) if (present(src[key])) gate.ignore(key);
}

function toolChoice(req: ChatRequest): AnthropicToolChoice | undefined {
  const noParallel = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const tc = req.toolChoice;
  const hasTools = req.tools !== undefined && req.tools.length > 0;
  if (tc === 'none') return hasTools ? { type: 'none' } : undefined;
  if (tc === 'required') return { type: 'any', ...noParallel };
  if (typeof tc === 'object') return { type: 'tool', name: tc.name, ...noParallel };
  // auto, or unset: only worth sending to carry disable_parallel_tool_use.
  if (req.parallelToolCalls === false && hasTools) return { type: 'auto', disable_parallel_tool_use: true };
  return tc === 'auto' && hasTools ? { type: 'auto' } : undefined;
}

/**
 * reasoning_effort → adaptive thinking with output_config.effort (providers.md §15). `none` turns
 * thinking off; `minimal` (no Anthropic level) is sent as `low`, the nearest; others are refused.
 */
function reasoning(effort: string | undefined, gate: ParamGate): { thinking?: AnthropicThinking; effort?: AnthropicEffort } {
  if (effort === undefined) return {};
  if (effort === 'none') return { thinking: { type: 'disabled' } };
  if (effort === 'minimal') return { thinking: { type: 'adaptive' }, effort: 'low' };
  if (EFFORTS.has(effort)) return { thinking: { type: 'adaptive' }, effort: effort as AnthropicEffort };
  gate.refuse('reasoning_effort', 'reasoning_effort', `'${effort}' is not supported by`);
  return {};
}

function serviceTier(src: SourceFields, gate: ParamGate): 'auto' | 'standard_only' | undefined {
  const t = src['service_tier'];
  if (!present(t)) return undefined;
  if (t === 'auto') return 'auto';
  if (t === 'default') return 'standard_only';
  gate.refuse('service_tier', 'service_tier', `'${String(t)}' is not supported by`);
  return undefined;
}

/**
 * An Anthropic client's own `anthropic-version` (clients send 2023-06-01 and newer) and
 * `anthropic-beta` win over the deployment's default version; other wires get the deployment's.
 */
export function anthropicHeaders(ep: ProviderEndpoint, client: Readonly<Record<string, string>> = {}): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': client['anthropic-version'] ?? ep.apiVersion ?? DEFAULT_ANTHROPIC_VERSION,
    ...(client['anthropic-beta'] !== undefined ? { 'anthropic-beta': client['anthropic-beta'] } : {}),
    ...ep.headers,
  };
  if (ep.apiKey) h['x-api-key'] = ep.apiKey;
  return h;
}

export function encodeAnthropicChat(req: ChatRequest, ep: ProviderEndpoint, model: string, opts: AnthropicEncodeOptions = {}): AnthropicEncoded {
  const gate = new ParamGate(`anthropic/${model}`, opts.dropParams);
  const src = sourceFields(req);
  refuseUnsupported(req, src, gate);

  const { system, messages } = encodeConversation(req, gate);
  const maxTokens = req.maxOutputTokens ?? opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
  // Key order is fixed by the assignments below, never by the client's order (stable bytes).
  const body: AnthropicRequestBody = { model, max_tokens: maxTokens, ...(system.length > 0 ? { system } : {}), messages };

  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: t.parameters ?? { type: 'object', properties: {} },
      // strict:false is the default; sent only when asked, as some models refuse the field.
      ...(t.strict === true ? { strict: true } : {}),
      ...(t.cache !== undefined ? { cache_control: t.cache.ttl !== undefined ? { type: 'ephemeral' as const, ttl: t.cache.ttl } : { type: 'ephemeral' as const } } : {}),
    }));
  }
  const choice = toolChoice(req);
  if (choice) body.tool_choice = choice;
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.temperature !== undefined) {
    if (req.temperature > MAX_TEMPERATURE) gate.refuse('temperature', 'temperature', `= ${req.temperature} is above the maximum of ${MAX_TEMPERATURE} of`);
    else body.temperature = req.temperature;
  }
  if (req.topP !== undefined) body.top_p = req.topP;

  const r = reasoning(req.reasoningEffort, gate);
  if (r.thinking) body.thinking = r.thinking;
  const output: { effort?: AnthropicEffort; format?: AnthropicOutputConfig['format'] } = {};
  if (r.effort) output.effort = r.effort;
  if (req.responseFormat?.type === 'json_schema') output.format = { type: 'json_schema', schema: req.responseFormat.schema };
  if (output.effort !== undefined || output.format !== undefined) body.output_config = output;

  const userId = src['safety_identifier'] ?? req.user;
  if (typeof userId === 'string' && userId !== '') body.metadata = { user_id: userId };
  const tier = serviceTier(src, gate);
  if (tier) body.service_tier = tier;
  if (req.stream) body.stream = true;

  return {
    request: { method: 'POST', path: `${ep.basePath}/messages`, headers: anthropicHeaders(ep, req.source.wire === 'anthropic-messages' ? req.source.headers : undefined), body: JSON.stringify(body) },
    dropped: gate.dropped,
    ignored: gate.ignored,
    defaultedMaxTokens: req.maxOutputTokens === undefined ? maxTokens : undefined,
  };
}
