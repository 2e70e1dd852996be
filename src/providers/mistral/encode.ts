// Canonical ChatRequest → Mistral chat completion request (providers.md §8, §14, §15). OpenAI-like,
// with Mistral's differences: `max_tokens`, `random_seed` for seed, tool_choice `any` for required,
// 9-character tool-call ids (tool-ids.ts), prefill as `prefix: true`, and NO `stream_options` (usage
// arrives on the last chunk anyway; Mistral rejects the field). Pure, with a fixed key order.
//
// Mistral rejects unknown fields (422), so nothing is passed through blindly: logprobs,
// top_logprobs, logit_bias and top_k have no Mistral equivalent and are refused (R7); `user` and
// `safety_identifier` have no slot and are left out and listed. A thinking budget becomes the
// nearest reasoning_effort (the OpenAI adapter's documented mapping).
import type { ChatRequest } from '../../core/chat.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint } from '../types.js';
import { ParamGate } from '../anthropic/param-gate.js';
import { effortForBudget } from '../openai/encode-canonical.js';
import { encodeMistralMessages } from './encode-messages.js';
import type { MistralChatBody, MistralResponseFormat, MistralToolChoice } from './wire-types.js';

const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
/** OpenAI-only request fields that change the answer and have no Mistral equivalent (§15 "—"). */
const OPENAI_ONLY = ['functions', 'function_call', 'audio', 'web_search_options', 'verbosity'] as const;
/** Hints with no effect on the answer (providers.md §0.1): left out and listed. */
const OPENAI_HINTS = ['store', 'safety_identifier', 'prompt_cache_retention', 'prompt_cache_options'] as const;
const ANTHROPIC_ONLY = ['mcp_servers', 'container', 'context_management'] as const;
const ANTHROPIC_HINTS = ['cache_control', 'inference_geo'] as const;

type Fields = Readonly<Record<string, unknown>>;

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function mistralHeaders(ep: ProviderEndpoint): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...ep.headers };
  if (ep.apiKey) h['authorization'] = `Bearer ${ep.apiKey}`;
  return h;
}

/** Fields only the client's own body carries, translated where Mistral has them. */
interface Passed {
  prediction?: { type: 'content'; content: string };
  promptCacheKey?: string;
  serviceTier?: 'auto' | 'standard_only';
}

function sourceFields(req: ChatRequest, gate: ParamGate): Passed {
  const src: Fields = req.source.body;
  const out: Passed = {};
  if (req.source.wire === 'openai-chat') {
    for (const key of OPENAI_ONLY) if (present(src[key])) gate.refuse(key);
    const modalities = src['modalities'];
    if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) gate.refuse('modalities', 'modalities', 'other than ["text"] is not supported by');
    for (const key of OPENAI_HINTS) if (present(src[key])) gate.ignore(key);
    const prediction = src['prediction'] as { type?: unknown; content?: unknown } | null | undefined;
    if (present(prediction)) {
      if (prediction?.type === 'content' && typeof prediction.content === 'string') out.prediction = { type: 'content', content: prediction.content };
      else gate.refuse('prediction', 'prediction', 'other than {type:"content", content: <string>} is not supported by');
    }
    if (typeof src['prompt_cache_key'] === 'string') out.promptCacheKey = src['prompt_cache_key'];
    const tier = src['service_tier'];
    if (tier === 'auto') out.serviceTier = 'auto';
    else if (tier === 'default') out.serviceTier = 'standard_only';
    else if (present(tier)) gate.refuse('service_tier', 'service_tier', `'${String(tier)}' is not supported by`);
  } else if (req.source.wire === 'anthropic-messages') {
    for (const key of ANTHROPIC_ONLY) if (present(src[key])) gate.refuse(key);
    for (const key of ANTHROPIC_HINTS) if (present(src[key])) gate.ignore(key);
    // Anthropic's service tiers are Mistral's own words.
    const tier = src['service_tier'];
    if (tier === 'auto' || tier === 'standard_only') out.serviceTier = tier;
    else if (present(tier)) gate.ignore('service_tier');
  }
  for (const t of req.opaqueTools ?? []) gate.refuse(t, 'tools', `(the server tool '${t}') is not supported by`);
  if (req.user !== undefined && req.user !== '') gate.ignore('user');
  return out;
}

function toolChoice(req: ChatRequest, hasTools: boolean, gate: ParamGate): MistralToolChoice | undefined {
  const tc = req.toolChoice;
  if (tc === undefined) return undefined;
  if (typeof tc === 'object') return { type: 'function', function: { name: tc.name } };
  if (tc === 'none') return 'none';
  if (tc === 'required' && !hasTools) gate.refuse('tool_choice', 'tool_choice', "'required' without tools is not supported by");
  if (!hasTools) return undefined;
  return tc === 'required' ? 'any' : 'auto';
}

function responseFormat(req: ChatRequest): MistralResponseFormat | undefined {
  const rf = req.responseFormat;
  if (rf === undefined) return undefined;
  if (rf.type !== 'json_schema') return { type: rf.type };
  return { type: 'json_schema', json_schema: { name: rf.name, schema: rf.schema, ...(rf.strict !== undefined ? { strict: rf.strict } : {}) } };
}

function effort(req: ChatRequest, gate: ParamGate): string | undefined {
  const e = req.reasoningEffort ?? (req.reasoningBudgetTokens !== undefined ? effortForBudget(req.reasoningBudgetTokens) : undefined);
  if (e === undefined || EFFORTS.has(e)) return e;
  gate.refuse('reasoning_effort', 'reasoning_effort', `'${e}' is not supported by`);
  return undefined;
}

export function encodeMistralChat(req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat {
  const gate = new ParamGate(`mistral/${model}`, opts.dropParams);
  const src: Fields = req.source.wire === 'openai-chat' ? req.source.body : {};
  const passed = sourceFields(req, gate);
  if (req.logprobs === true) gate.refuse('logprobs');
  if (req.topLogprobs !== undefined && req.topLogprobs > 0) gate.refuse('top_logprobs');
  const bias = src['logit_bias'];
  if (req.logitBias ?? (bias !== null && typeof bias === 'object' && Object.keys(bias).length > 0)) gate.refuse('logit_bias');
  if (req.topK !== undefined) gate.refuse('top_k');

  const body: MistralChatBody = { model, messages: encodeMistralMessages(req, gate) };
  const tools = req.tools ?? [];
  const hasTools = tools.length > 0;
  if (hasTools) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters ?? { type: 'object', properties: {} },
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
  }
  const choice = toolChoice(req, hasTools, gate);
  if (choice !== undefined) body.tool_choice = choice;
  if (req.parallelToolCalls !== undefined && hasTools) body.parallel_tool_calls = req.parallelToolCalls;
  const rf = responseFormat(req);
  if (rf !== undefined) body.response_format = rf;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.maxOutputTokens !== undefined) body.max_tokens = req.maxOutputTokens;
  if (req.n !== undefined) body.n = req.n;
  if (req.seed !== undefined) body.random_seed = req.seed;
  const fp = req.frequencyPenalty ?? src['frequency_penalty'];
  if (typeof fp === 'number') body.frequency_penalty = fp;
  const pp = req.presencePenalty ?? src['presence_penalty'];
  if (typeof pp === 'number') body.presence_penalty = pp;
  const e = effort(req, gate);
  if (e !== undefined) body.reasoning_effort = e;
  if (passed.prediction !== undefined) body.prediction = passed.prediction;
  if (req.metadata !== undefined) body.metadata = req.metadata;
  if (passed.promptCacheKey !== undefined) body.prompt_cache_key = passed.promptCacheKey;
  if (passed.serviceTier !== undefined) body.service_tier = passed.serviceTier;
  if (req.stream) body.stream = true;

  return {
    request: { method: 'POST', path: `${ep.basePath}/chat/completions`, headers: mistralHeaders(ep), body: JSON.stringify(body) },
    dropped: gate.dropped,
    ignored: gate.ignored,
    defaultedMaxTokens: undefined,
  };
}
