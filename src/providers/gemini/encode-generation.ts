// Canonical tools, tool choice and sampling → Gemini `tools`, `toolConfig` and `generationConfig`
// (providers.md §5, §14, §15). What the wire cannot express is refused through the gate (R7).
//
// Reasoning: Gemini takes a thinking budget in tokens (`thinkingBudget`; Gemini 3 also reads it),
// so a reasoning effort is sent as the budget of this table — a documented emulation (§0.1):
//   none → 0 (thinking off where the model allows it) · minimal → 512 · low → 1024 · medium → 8192 ·
//   high, xhigh, max → 24576 (the largest budget every thinking model accepts).
// An explicit budget (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`) is sent as is.
// Thoughts are asked for (`includeThoughts`) whenever reasoning is, so they come back as reasoning.
import type { ChatRequest } from '../../core/chat.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiThinkingConfig, GeminiToolConfig } from './wire-types.js';

export const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
  max: 24576,
};

/** Gemini's limit on stop sequences. */
export const MAX_STOP_SEQUENCES = 5;

export interface EncodedTools {
  readonly tools?: { readonly functionDeclarations: GeminiFunctionDeclaration[] }[];
  readonly toolConfig?: GeminiToolConfig;
}

export function encodeTools(req: ChatRequest, gate: ParamGate): EncodedTools {
  for (const t of req.opaqueTools ?? []) gate.refuse(t, 'tools', `(the server tool '${t}') is not supported by`);
  const tools = req.tools ?? [];
  if (tools.length === 0) return {};
  const functionDeclarations = tools.map((t, k): GeminiFunctionDeclaration => {
    // Gemini has no per-function strict switch; its schema is honoured either way (§14 "≈").
    if (t.strict === true) gate.ignore(`tools[${k}].function.strict`);
    return {
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      ...(t.parameters !== undefined ? { parametersJsonSchema: t.parameters } : {}),
    };
  });
  if (req.parallelToolCalls === false) gate.refuse('parallel_tool_calls', 'parallel_tool_calls', '= false (there is no switch to forbid parallel calls) is not supported by');
  const tc = req.toolChoice;
  let toolConfig: GeminiToolConfig | undefined;
  if (tc === 'auto') toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
  else if (tc === 'none') toolConfig = { functionCallingConfig: { mode: 'NONE' } };
  else if (tc === 'required') toolConfig = { functionCallingConfig: { mode: 'ANY' } };
  else if (tc !== undefined) toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [tc.name] } };
  return { tools: [{ functionDeclarations }], ...(toolConfig !== undefined ? { toolConfig } : {}) };
}

function thinkingConfig(req: ChatRequest, includeThoughts: boolean | undefined, gate: ParamGate): GeminiThinkingConfig | undefined {
  let budget = req.reasoningBudgetTokens;
  if (budget === undefined && req.reasoningEffort !== undefined) {
    budget = EFFORT_BUDGET[req.reasoningEffort];
    if (budget === undefined) {
      gate.refuse('reasoning_effort', 'reasoning_effort', `'${req.reasoningEffort}' is not supported by`);
      return undefined;
    }
  }
  if (budget === undefined) return undefined;
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: includeThoughts ?? true };
}

function nonZero(v: unknown): v is number {
  return typeof v === 'number' && v !== 0;
}

/**
 * `penalties` are the client's presence/frequency penalties when its decoder did not set the
 * canonical fields; zero is the default and is not sent (several Gemini models refuse the fields).
 */
export function generationConfig(
  req: ChatRequest,
  extra: { readonly presencePenalty: unknown; readonly frequencyPenalty: unknown; readonly includeThoughts: boolean | undefined },
  gate: ParamGate,
): GeminiGenerationConfig | undefined {
  const g: GeminiGenerationConfig = {};
  if (req.stop !== undefined && req.stop.length > 0) {
    if (req.stop.length > MAX_STOP_SEQUENCES) gate.refuse('stop', 'stop', `with more than ${MAX_STOP_SEQUENCES} sequences (${req.stop.length}) is not supported by`);
    else g.stopSequences = req.stop;
  }
  const rf = req.responseFormat;
  if (rf?.type === 'json_object') g.responseMimeType = 'application/json';
  else if (rf?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    g.responseJsonSchema = rf.schema;
  }
  if (req.n !== undefined && req.n > 1) g.candidateCount = req.n;
  if (req.maxOutputTokens !== undefined) g.maxOutputTokens = req.maxOutputTokens;
  if (req.temperature !== undefined) g.temperature = req.temperature;
  if (req.topP !== undefined) g.topP = req.topP;
  if (req.topK !== undefined) g.topK = req.topK;
  if (req.seed !== undefined) g.seed = req.seed;
  if (nonZero(extra.presencePenalty)) g.presencePenalty = extra.presencePenalty;
  if (nonZero(extra.frequencyPenalty)) g.frequencyPenalty = extra.frequencyPenalty;
  if (req.logprobs === true) {
    g.responseLogprobs = true;
    if (req.topLogprobs !== undefined && req.topLogprobs > 0) g.logprobs = req.topLogprobs;
  }
  const thinking = thinkingConfig(req, extra.includeThoughts, gate);
  if (thinking !== undefined) g.thinkingConfig = thinking;
  return Object.keys(g).length > 0 ? g : undefined;
}
