// Canonical ChatRequest → Gemini generateContent request (providers.md §5, §14, §15), for AI Studio
// and Vertex alike. Pure: the same frozen request always gives the same bytes (fixed key order), so
// Gemini's implicit prompt cache sees a stable prefix (C1).
//
// Fields the canonical model does not carry are read from the client's own body, per wire:
// - OpenAI chat: penalties (when the decoder left them unset), logit_bias, service_tier, metadata and
//   the OpenAI-only features, which are refused;
// - Anthropic Messages: its server-side features (refused) and hints (left out);
// - Gemini (until a same-wire relay exists): `safetySettings` and `serviceTier`, which mean exactly
//   the same here and are sent as they came.
import type { ChatRequest } from '../../core/chat.js';
import { ParamGate } from '../anthropic/param-gate.js';
import type { ChatEncodeOptions, EncodedChat, ProviderEndpoint } from '../types.js';
import { encodeContents } from './encode-contents.js';
import { encodeTools, generationConfig } from './encode-generation.js';
import { geminiHeaders, geminiPath, geminiTarget, type GeminiFlavor } from './endpoint.js';
import type { GeminiRequestBody } from './wire-types.js';

type Fields = Readonly<Record<string, unknown>>;

/** OpenAI-only request fields with no Gemini equivalent (providers.md §15 "—"). */
const OPENAI_ONLY = ['functions', 'function_call', 'audio', 'prediction', 'web_search_options', 'verbosity'] as const;
const OPENAI_HINTS = ['store', 'prompt_cache_key', 'prompt_cache_retention', 'safety_identifier'] as const;
const ANTHROPIC_ONLY = ['mcp_servers', 'container', 'context_management'] as const;
const ANTHROPIC_HINTS = ['cache_control', 'service_tier', 'inference_geo'] as const;

/** OpenAI service_tier → Gemini serviceTier; `auto` is the default and sends nothing. */
const SERVICE_TIER: Readonly<Record<string, string | null>> = { auto: null, default: 'standard', flex: 'flex', priority: 'priority' };

/** Vertex label rules: lower-case keys and values, at most 64 labels. */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function obj(v: unknown): Fields | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined;
}

interface SourceExtras {
  readonly presencePenalty: unknown;
  readonly frequencyPenalty: unknown;
  readonly includeThoughts: boolean | undefined;
  readonly serviceTier?: string;
  readonly safetySettings?: unknown;
}

function openAiExtras(req: ChatRequest, src: Fields, gate: ParamGate): SourceExtras {
  for (const key of OPENAI_ONLY) if (present(src[key])) gate.refuse(key);
  for (const key of OPENAI_HINTS) if (present(src[key])) gate.ignore(key);
  const modalities = src['modalities'];
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) gate.refuse('modalities', 'modalities', 'other than ["text"] is not supported by');
  let serviceTier: string | undefined;
  const tier = src['service_tier'];
  if (typeof tier === 'string') {
    const mapped = SERVICE_TIER[tier];
    if (mapped === undefined) gate.refuse('service_tier', 'service_tier', `'${tier}' is not supported by`);
    else if (mapped !== null) serviceTier = mapped;
  }
  return {
    presencePenalty: req.presencePenalty ?? src['presence_penalty'],
    frequencyPenalty: req.frequencyPenalty ?? src['frequency_penalty'],
    includeThoughts: undefined,
    ...(serviceTier !== undefined ? { serviceTier } : {}),
  };
}

function sourceExtras(req: ChatRequest, gate: ParamGate): SourceExtras {
  const src = req.source.body;
  switch (req.source.wire) {
    case 'openai-chat':
      return openAiExtras(req, src, gate);
    case 'anthropic-messages':
      for (const key of ANTHROPIC_ONLY) if (present(src[key])) gate.refuse(key);
      for (const key of ANTHROPIC_HINTS) if (present(src[key])) gate.ignore(key);
      break;
    case 'gemini-generate': {
      const thoughts = obj(obj(src['generationConfig'])?.['thinkingConfig'])?.['includeThoughts'];
      const tier = src['serviceTier'];
      return {
        presencePenalty: req.presencePenalty,
        frequencyPenalty: req.frequencyPenalty,
        includeThoughts: typeof thoughts === 'boolean' ? thoughts : undefined,
        ...(typeof tier === 'string' ? { serviceTier: tier } : {}),
        ...(present(src['safetySettings']) ? { safetySettings: src['safetySettings'] } : {}),
      };
    }
    default:
      break;
  }
  return { presencePenalty: req.presencePenalty, frequencyPenalty: req.frequencyPenalty, includeThoughts: undefined };
}

function logitBiased(req: ChatRequest): boolean {
  if (req.logitBias !== undefined) return req.logitBias;
  const bias = req.source.wire === 'openai-chat' ? req.source.body['logit_bias'] : undefined;
  return bias !== null && typeof bias === 'object' && Object.keys(bias).length > 0;
}

/** metadata → Vertex `labels` when every entry is a valid label; AI Studio has no equivalent (a hint). */
function labels(flavor: GeminiFlavor, metadata: ChatRequest['metadata'], gate: ParamGate): Readonly<Record<string, string>> | undefined {
  if (metadata === undefined || Object.keys(metadata).length === 0) return undefined;
  const entries = Object.entries(metadata);
  const valid = entries.length <= 64 && entries.every(([k, v]) => LABEL_KEY.test(k) && LABEL_VALUE.test(v));
  if (flavor === 'vertex' && valid) return metadata;
  gate.ignore('metadata');
  return undefined;
}

export function encodeGeminiChat(flavor: GeminiFlavor, req: ChatRequest, ep: ProviderEndpoint, model: string, opts: ChatEncodeOptions = {}): EncodedChat {
  const gate = new ParamGate(geminiTarget(flavor, model), opts.dropParams);
  const extras = sourceExtras(req, gate);
  if (logitBiased(req)) gate.refuse('logit_bias');
  if (req.user !== undefined && req.user !== '') gate.ignore('user');

  const { contents, system } = encodeContents(req, gate);
  const { tools, toolConfig } = encodeTools(req, gate);
  const generation = generationConfig(req, extras, gate);
  const metadataLabels = labels(flavor, req.metadata, gate);

  // Key order is fixed by these assignments, never by the client's order (stable bytes).
  const body: GeminiRequestBody = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (tools !== undefined) body.tools = tools;
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  if (extras.safetySettings !== undefined) body.safetySettings = extras.safetySettings;
  if (generation !== undefined) body.generationConfig = generation;
  if (extras.serviceTier !== undefined) body.serviceTier = extras.serviceTier;
  if (metadataLabels !== undefined) body.labels = metadataLabels;

  return {
    request: {
      method: 'POST',
      path: geminiPath(flavor, ep, model, req.stream ? 'streamGenerateContent' : 'generateContent'),
      headers: geminiHeaders(flavor, ep),
      body: JSON.stringify(body),
    },
    dropped: gate.dropped,
    ignored: gate.ignored,
    defaultedMaxTokens: undefined,
  };
}
