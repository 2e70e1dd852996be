// Canonical ChatRequest → Bedrock Converse request (providers.md §6, §14, §15). Pure: the same frozen
// request always gives the same bytes (fixed key order), so Bedrock's prompt cache sees a stable prefix.
// The model id is in the path (`/converse` or `/converse-stream`), never in the body.
//
// inferenceConfig holds only maxTokens, temperature, topP and stopSequences; top_k and Claude's
// thinking go in additionalModelRequestFields under Claude's own names, so they are sent only to
// Anthropic models and refused for others (other families name them differently, or lack them).
// Parameters the canonical model does not carry are read from the client's OpenAI body
// (`req.source.body`), as the Anthropic adapter does.
import type { ChatRequest } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import { ParamGate } from '../anthropic/param-gate.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint } from '../types.js';
import { bedrockHeaders } from './auth.js';
import { encodeConversation } from './encode-messages.js';
import { bedrockTarget, isAnthropicModel, modelPath } from './model-id.js';
import { cachePointOf } from './encode-content.js';
import type { CachePointBlock, ConverseMessage, ConverseRequestBody, InferenceConfig, OutputConfig, ToolChoice, ToolSpec } from './wire-types.js';

/** Converse's temperature range is 0–1 (OpenAI's is 0–2). Never clamped silently. */
export const MAX_TEMPERATURE = 1;
export const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** OpenAI-only request fields with no Converse equivalent: refused unless dropped (providers.md §15 "—"). */
const OPENAI_ONLY = ['functions', 'function_call', 'audio', 'prediction', 'web_search_options', 'verbosity'] as const;
/** Anthropic request fields that change the answer and that Converse cannot carry. */
const ANTHROPIC_ONLY = ['mcp_servers', 'container', 'context_management'] as const;
/** Anthropic hints with no Converse slot (service tiers are Bedrock's own, by other names). */
const ANTHROPIC_HINTS = ['service_tier', 'inference_geo'] as const;
/** Pure hints (providers.md §0.1): left out and listed. */
const HINTS = ['store', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'safety_identifier'] as const;
const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);
/** Bedrock's requestMetadata keys and values (at most 16 pairs). */
const METADATA_TEXT = /^[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}$/;

type SourceFields = Readonly<Record<string, unknown>>;

function sourceFields(req: ChatRequest): SourceFields {
  return req.source.wire === 'openai-chat' ? req.source.body : {};
}

const present = (v: unknown): boolean => v !== undefined && v !== null;
const nonZero = (v: unknown): boolean => typeof v === 'number' && v !== 0;

function refuseUnsupported(req: ChatRequest, src: SourceFields, gate: ParamGate): void {
  if (req.n !== undefined && req.n > 1) gate.refuse('n', 'n', 'greater than 1 is not supported by');
  if (req.logprobs === true) gate.refuse('logprobs');
  if (req.topLogprobs !== undefined && req.topLogprobs > 0) gate.refuse('top_logprobs');
  if (req.seed !== undefined) gate.refuse('seed');
  if (nonZero(req.frequencyPenalty ?? src['frequency_penalty'])) gate.refuse('frequency_penalty');
  if (nonZero(req.presencePenalty ?? src['presence_penalty'])) gate.refuse('presence_penalty');
  const bias = src['logit_bias'];
  if (req.logitBias ?? (bias !== null && typeof bias === 'object' && Object.keys(bias).length > 0)) gate.refuse('logit_bias');
  if (req.responseFormat?.type === 'json_object') {
    gate.refuse('response_format', 'response_format', "of type 'json_object' (JSON mode without a schema; send json_schema) is not supported by");
  }
  for (const key of OPENAI_ONLY) if (present(src[key])) gate.refuse(key);
  const modalities = src['modalities'];
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) gate.refuse('modalities', 'modalities', 'other than ["text"] is not supported by');
  for (const t of req.opaqueTools ?? []) gate.refuse(t, 'tools', `(a '${t}' server tool) is not supported by`);
  for (const key of HINTS) if (present(src[key])) gate.ignore(key);
  if (req.user !== undefined) gate.ignore('user');
}

function inferenceConfig(req: ChatRequest, gate: ParamGate): InferenceConfig | undefined {
  const c: InferenceConfig = {};
  if (req.maxOutputTokens !== undefined) c.maxTokens = req.maxOutputTokens;
  if (req.temperature !== undefined) {
    if (req.temperature > MAX_TEMPERATURE) gate.refuse('temperature', 'temperature', `= ${req.temperature} is above the maximum of ${MAX_TEMPERATURE} of`);
    else c.temperature = req.temperature;
  }
  if (req.topP !== undefined) c.topP = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) c.stopSequences = req.stop;
  return Object.keys(c).length > 0 ? c : undefined;
}

/**
 * Converse has no tool_choice "none" (providers.md §14): without tools the model cannot call any, so
 * toolConfig is left out — unless the conversation already holds tool blocks, when Bedrock requires
 * toolConfig; then "none" cannot be honoured and is refused (dropped: tools offered with auto).
 */
function toolConfig(req: ChatRequest, hasToolBlocks: boolean, gate: ParamGate): ConverseRequestBody['toolConfig'] {
  const defs = req.tools ?? [];
  if (defs.length === 0) {
    if (hasToolBlocks) {
      throw new UnsupportedParameterError('tools', gate.target, 'must list the tools when the conversation has tool calls (Bedrock requires toolConfig then) for');
    }
    return undefined;
  }
  // A tool's cache breakpoint is a cachePoint entry right after it (the tools lead the cached prefix).
  const tools: (ToolSpec | CachePointBlock)[] = defs.flatMap((t) => {
    const spec: ToolSpec = {
      toolSpec: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        inputSchema: { json: t.parameters ?? { type: 'object', properties: {} } },
        ...(t.strict === true ? { strict: true as const } : {}),
      },
    };
    const cp = cachePointOf(t.cache);
    return cp === undefined ? [spec] : [spec, { cachePoint: cp }];
  });
  const tc = req.toolChoice;
  if (tc === 'none') {
    if (!hasToolBlocks) return undefined;
    gate.refuse('tool_choice', 'tool_choice', "'none' while the conversation has tool calls (Bedrock has no 'none' and then requires the tools) is not supported by");
    return { tools };
  }
  if (req.parallelToolCalls === false) gate.refuse('parallel_tool_calls', 'parallel_tool_calls', '= false is not supported by');
  let choice: ToolChoice | undefined;
  if (tc === 'auto') choice = { auto: {} };
  else if (tc === 'required') choice = { any: {} };
  else if (typeof tc === 'object') choice = { tool: { name: tc.name } };
  return choice === undefined ? { tools } : { tools, toolChoice: choice };
}

interface Reasoning {
  readonly fields: Record<string, unknown>;
  readonly effort?: string;
}

/**
 * top_k and reasoning → Claude's native fields (providers.md §6): a thinking budget → thinking
 * enabled with budget_tokens; reasoning_effort → adaptive thinking plus outputConfig.effort (`none`
 * turns thinking off, `minimal` is sent as `low`, the nearest).
 */
function modelFields(req: ChatRequest, anthropic: boolean, gate: ParamGate): Reasoning {
  const fields: Record<string, unknown> = {};
  let effort: string | undefined;
  if (req.topK !== undefined) {
    if (anthropic) fields['top_k'] = req.topK;
    else gate.refuse('top_k', 'top_k', 'is not supported (only on Anthropic models) by');
  }
  if (req.reasoningBudgetTokens !== undefined) {
    if (anthropic) fields['thinking'] = { type: 'enabled', budget_tokens: req.reasoningBudgetTokens };
    else gate.refuse('thinking', 'thinking', 'is not supported (only on Anthropic models) by');
  } else if (req.reasoningEffort !== undefined) {
    const e = req.reasoningEffort;
    if (!anthropic) gate.refuse('reasoning_effort', 'reasoning_effort', 'is not supported (only on Anthropic models) by');
    else if (e === 'none') fields['thinking'] = { type: 'disabled' };
    else if (e === 'minimal' || EFFORTS.has(e)) {
      fields['thinking'] = { type: 'adaptive' };
      effort = e === 'minimal' ? 'low' : e;
    } else gate.refuse('reasoning_effort', 'reasoning_effort', `'${e}' is not supported by`);
  }
  return effort === undefined ? { fields } : { fields, effort };
}

/** OpenAI's `response_format.json_schema.description`, which the canonical model does not keep. */
function schemaDescription(src: SourceFields): string | undefined {
  const rf = src['response_format'];
  const js = rf !== null && typeof rf === 'object' ? (rf as Record<string, unknown>)['json_schema'] : undefined;
  const d = js !== null && typeof js === 'object' ? (js as Record<string, unknown>)['description'] : undefined;
  return typeof d === 'string' && d !== '' ? d : undefined;
}

function outputConfig(req: ChatRequest, src: SourceFields, effort: string | undefined): OutputConfig | undefined {
  const out: OutputConfig = {};
  const f = req.responseFormat;
  if (f?.type === 'json_schema') {
    const description = schemaDescription(src);
    out.textFormat = {
      type: 'json_schema',
      structure: { jsonSchema: { schema: JSON.stringify(f.schema), name: f.name, ...(description !== undefined ? { description } : {}) } },
    };
  }
  if (effort !== undefined) out.effort = effort;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** OpenAI `metadata` → requestMetadata when it fits Bedrock's rules; otherwise a hint left out. */
function requestMetadata(req: ChatRequest, gate: ParamGate): Readonly<Record<string, string>> | undefined {
  const md = req.metadata;
  if (md === undefined || Object.keys(md).length === 0) return undefined;
  const entries = Object.entries(md);
  const fits = entries.length <= 16 && entries.every(([k, v]) => k !== '' && METADATA_TEXT.test(k) && METADATA_TEXT.test(v));
  if (fits) return md;
  gate.ignore('metadata');
  return undefined;
}

function serviceTier(src: SourceFields, gate: ParamGate): ConverseRequestBody['serviceTier'] {
  const t = src['service_tier'];
  if (!present(t)) return undefined;
  if (t === 'default' || t === 'flex' || t === 'priority') return { type: t };
  if (t === 'auto') {
    gate.ignore('service_tier');
    return undefined;
  }
  gate.refuse('service_tier', 'service_tier', `'${String(t)}' is not supported by`);
  return undefined;
}

/**
 * Anthropic's fields beyond the canonical model: its server-side features are refused; a top-level
 * `cache_control` (one automatic breakpoint on the last block) becomes a cachePoint after the last
 * message's content — what Anthropic would cache, so caching survives the translation (C1).
 */
function anthropicFields(req: ChatRequest, gate: ParamGate): { readonly autoCache?: CachePointBlock } {
  if (req.source.wire !== 'anthropic-messages') return {};
  const src = req.source.body;
  for (const key of ANTHROPIC_ONLY) if (present(src[key])) gate.refuse(key);
  for (const key of ANTHROPIC_HINTS) if (present(src[key])) gate.ignore(key);
  const cc = src['cache_control'];
  if (!present(cc)) return {};
  const ttl = (cc as Record<string, unknown>)['ttl'];
  return { autoCache: { cachePoint: ttl === '5m' || ttl === '1h' ? { type: 'default', ttl } : { type: 'default' } } };
}

function withAutoCache(messages: ConverseMessage[], autoCache: CachePointBlock | undefined): void {
  const last = messages.at(-1);
  if (autoCache === undefined || last === undefined) return;
  const tail = last.content.at(-1);
  if (tail !== undefined && !('cachePoint' in tail)) last.content.push(autoCache);
}

export function encodeBedrockChat(req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat {
  const gate = new ParamGate(bedrockTarget(model), opts.dropParams);
  const src = sourceFields(req);
  refuseUnsupported(req, src, gate);
  const { autoCache } = anthropicFields(req, gate);

  const { system, messages, hasToolBlocks } = encodeConversation(req, gate);
  withAutoCache(messages, autoCache);
  // Key order is fixed by the assignments below, never by the client's order (stable bytes).
  const body: ConverseRequestBody = { messages };
  if (system.length > 0) body.system = system;
  const inference = inferenceConfig(req, gate);
  if (inference) body.inferenceConfig = inference;
  const tools = toolConfig(req, hasToolBlocks, gate);
  if (tools) body.toolConfig = tools;
  const r = modelFields(req, isAnthropicModel(model), gate);
  if (Object.keys(r.fields).length > 0) body.additionalModelRequestFields = r.fields;
  const output = outputConfig(req, src, r.effort);
  if (output) body.outputConfig = output;
  const md = requestMetadata(req, gate);
  if (md) body.requestMetadata = md;
  const tier = serviceTier(src, gate);
  if (tier) body.serviceTier = tier;

  return {
    request: {
      method: 'POST',
      path: modelPath(ep.basePath, model, req.stream ? 'converse-stream' : 'converse'),
      headers: bedrockHeaders(ep, req.stream ? EVENT_STREAM : 'application/json'),
      body: JSON.stringify(body),
    },
    dropped: gate.dropped,
    ignored: gate.ignored,
    // Converse does not require an output cap: the model's own default applies.
    defaultedMaxTokens: undefined,
  };
}
