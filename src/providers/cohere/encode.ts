// Canonical ChatRequest → Cohere v2 Chat request (providers.md §9, §14, §15). Pure, with a fixed key
// order (the same frozen request always gives the same bytes).
//
// Cohere's differences, each translated, emulated (documented here) or refused (R7):
// - tool_choice: required → REQUIRED, none → NONE, auto → omitted; a NAMED tool has no Cohere
//   equivalent and is refused, as is parallel_tool_calls:false;
// - response_format: json_object → {type:"json_object"}, json_schema → the same with `json_schema`;
// - top_p → `p`, which Cohere takes between 0.01 and 0.99: top_p = 1 ("no nucleus cut") is sent as
//   0.99, the widest Cohere allows; other values outside the range are refused;
// - top_k → `k` (0–500); penalties → the same names, but Cohere's range is 0–1 (OpenAI's −2..2):
//   outside it they are refused, never clamped;
// - reasoning: a thinking budget → `thinking{type:"enabled", token_budget}`; reasoning_effort has no
//   Cohere level, so it becomes a budget (minimal 1024, low 2048, medium 8192, high 16384, xhigh
//   32768 tokens — the inverse of the OpenAI adapter's budget → effort mapping); `none` disables it;
// - logprobs → `logprobs: true`; top_logprobs, n > 1, logit_bias and more than 5 stop sequences are refused.
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint } from '../types.js';
import { ParamGate } from '../anthropic/param-gate.js';
import { encodeCohereMessages } from './encode-messages.js';
import type { CohereChatBody, CohereResponseFormat, CohereThinking } from './wire-types.js';

export const MAX_STOP_SEQUENCES = 5;
export const MAX_K = 500;
export const MIN_P = 0.01;
export const MAX_P = 0.99;

const EFFORT_BUDGET: Readonly<Record<string, number>> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768 };

/** OpenAI-only request fields that change the answer and have no Cohere equivalent (§15 "—"). */
const OPENAI_ONLY = ['functions', 'function_call', 'audio', 'prediction', 'web_search_options', 'verbosity'] as const;
/** Hints with no effect on the answer (providers.md §0.1): left out and listed. */
const OPENAI_HINTS = ['store', 'metadata', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options'] as const;
/** Anthropic request fields with no Cohere equivalent, and Anthropic hints. */
const ANTHROPIC_ONLY = ['mcp_servers', 'container', 'context_management'] as const;
const ANTHROPIC_HINTS = ['cache_control', 'service_tier', 'inference_geo', 'metadata'] as const;

type Fields = Readonly<Record<string, unknown>>;

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function cohereHeaders(ep: ProviderEndpoint): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...ep.headers };
  if (ep.apiKey) h['authorization'] = `Bearer ${ep.apiKey}`;
  return h;
}

function refuseSourceFields(req: ChatRequest, gate: ParamGate): void {
  const src: Fields = req.source.body;
  if (req.source.wire === 'openai-chat') {
    for (const key of OPENAI_ONLY) if (present(src[key])) gate.refuse(key);
    const modalities = src['modalities'];
    if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) gate.refuse('modalities', 'modalities', 'other than ["text"] is not supported by');
    for (const key of OPENAI_HINTS) if (present(src[key])) gate.ignore(key);
    const tier = src['service_tier'];
    if (present(tier) && tier !== 'auto' && tier !== 'default') gate.refuse('service_tier', 'service_tier', `'${String(tier)}' is not supported by`);
    else if (present(tier)) gate.ignore('service_tier');
  } else if (req.source.wire === 'anthropic-messages') {
    for (const key of ANTHROPIC_ONLY) if (present(src[key])) gate.refuse(key);
    for (const key of ANTHROPIC_HINTS) if (present(src[key])) gate.ignore(key);
  }
  for (const t of req.opaqueTools ?? []) gate.refuse(t, 'tools', `(the server tool '${t}') is not supported by`);
  if (req.user !== undefined && req.user !== '') gate.ignore('user');
}

/** OpenAI's −2..2 penalties; Cohere takes 0..1. Returns the value to send, or undefined. */
function penalty(v: unknown, key: string, gate: ParamGate): number | undefined {
  if (typeof v !== 'number') return undefined;
  if (v < 0 || v > 1) {
    gate.refuse(key, key, `= ${v} is outside Cohere's range 0–1 of`);
    return undefined;
  }
  return v;
}

function topP(v: number | undefined, gate: ParamGate): number | undefined {
  if (v === undefined) return undefined;
  if (v === 1) return MAX_P;
  if (v < MIN_P || v > MAX_P) {
    gate.refuse('top_p', 'top_p', `= ${v} is outside Cohere's range ${MIN_P}–${MAX_P} (or exactly 1) of`);
    return undefined;
  }
  return v;
}

function thinking(req: ChatRequest, gate: ParamGate): CohereThinking | undefined {
  if (req.reasoningBudgetTokens !== undefined) return { type: 'enabled', token_budget: req.reasoningBudgetTokens };
  const effort = req.reasoningEffort;
  if (effort === undefined) return undefined;
  if (effort === 'none') return { type: 'disabled' };
  const budget = EFFORT_BUDGET[effort];
  if (budget !== undefined) return { type: 'enabled', token_budget: budget };
  gate.refuse('reasoning_effort', 'reasoning_effort', `'${effort}' is not supported by`);
  return undefined;
}

function responseFormat(req: ChatRequest): CohereResponseFormat | undefined {
  const rf = req.responseFormat;
  if (rf?.type === 'json_object') return { type: 'json_object' };
  if (rf?.type === 'json_schema') return { type: 'json_object', json_schema: rf.schema };
  return undefined;
}

function toolChoice(req: ChatRequest, hasTools: boolean, gate: ParamGate): 'REQUIRED' | 'NONE' | undefined {
  const tc = req.toolChoice;
  if (typeof tc === 'object') {
    gate.refuse('tool_choice', 'tool_choice', `naming a tool ('${tc.name}'; Cohere forces only "any tool" or none) is not supported by`);
    return undefined;
  }
  if (tc === 'none') return hasTools ? 'NONE' : undefined;
  if (tc === 'required') {
    if (!hasTools) gate.refuse('tool_choice', 'tool_choice', "'required' without tools is not supported by");
    return hasTools ? 'REQUIRED' : undefined;
  }
  return undefined;
}

export function encodeCohereChat(req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat {
  const gate = new ParamGate(`cohere/${model}`, opts.dropParams);
  const src: Fields = req.source.wire === 'openai-chat' ? req.source.body : {};
  refuseSourceFields(req, gate);
  if (req.n !== undefined && req.n > 1) gate.refuse('n', 'n', 'greater than 1 is not supported by');
  if (req.topLogprobs !== undefined && req.topLogprobs > 0) gate.refuse('top_logprobs');
  const bias = src['logit_bias'];
  if (req.logitBias ?? (bias !== null && typeof bias === 'object' && Object.keys(bias).length > 0)) gate.refuse('logit_bias');

  const body: CohereChatBody = { model, messages: encodeCohereMessages(req, gate) };
  const tools = req.tools ?? [];
  const hasTools = tools.length > 0;
  if (hasTools) {
    if (req.parallelToolCalls === false) gate.refuse('parallel_tool_calls', 'parallel_tool_calls', '= false (Cohere may always call several tools) is not supported by');
    body.tools = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters ?? { type: 'object', properties: {} } },
    }));
    // Cohere's strictness is per request: asked for by any tool, it applies to all.
    if (tools.some((t) => t.strict === true)) body.strict_tools = true;
  }
  const choice = toolChoice(req, hasTools, gate);
  if (choice !== undefined) body.tool_choice = choice;
  const rf = responseFormat(req);
  if (rf !== undefined) body.response_format = rf;
  if (req.maxOutputTokens !== undefined) body.max_tokens = req.maxOutputTokens;
  if (req.stop !== undefined && req.stop.length > 0) {
    // Named as the client named it: OpenAI's `stop`, Anthropic's `stop_sequences`.
    const param = req.source.wire === 'anthropic-messages' ? 'stop_sequences' : 'stop';
    if (req.stop.length > MAX_STOP_SEQUENCES) gate.refuse(param, param, `with more than ${MAX_STOP_SEQUENCES} entries (${req.stop.length}) is not supported by`);
    else body.stop_sequences = req.stop;
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  const p = topP(req.topP, gate);
  if (p !== undefined) body.p = p;
  if (req.topK !== undefined) {
    if (req.topK > MAX_K) gate.refuse('top_k', 'top_k', `= ${req.topK} is above the maximum of ${MAX_K} of`);
    else body.k = req.topK;
  }
  if (req.seed !== undefined) body.seed = req.seed;
  const fp = penalty(req.frequencyPenalty ?? src['frequency_penalty'], 'frequency_penalty', gate);
  if (fp !== undefined) body.frequency_penalty = fp;
  const pp = penalty(req.presencePenalty ?? src['presence_penalty'], 'presence_penalty', gate);
  if (pp !== undefined) body.presence_penalty = pp;
  if (req.logprobs === true) body.logprobs = true;
  const t = thinking(req, gate);
  if (t !== undefined) body.thinking = t;
  if (req.stream) body.stream = true;

  return {
    request: { method: 'POST', path: `${ep.basePath}/chat`, headers: cohereHeaders(ep), body: JSON.stringify(body) },
    dropped: gate.dropped,
    ignored: gate.ignored,
    defaultedMaxTokens: undefined,
  };
}
