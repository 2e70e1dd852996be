// Canonical ChatRequest → OpenAI Chat Completions body (providers.md §1, §15), for requests that
// arrived on another wire (e.g. Anthropic's /v1/messages). Same-wire requests never come here: they
// are relayed as the client sent them (encode.ts). Pure, with a fixed key order (stable bytes for
// OpenAI's automatic prompt caching, C1).
//
// What OpenAI's chat wire cannot take is refused with UnsupportedParameterError naming the exact
// parameter and the target — unless the deployment lists it in drop_params, then it is dropped and
// reported (R7). Hints without an equivalent (cache_control, service_tier, reasoning blocks of a
// previous turn) are left out and listed as `ignored`.
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import type { ChatEncodeOptions, EncodedChat } from '../types.js';

/** Anthropic request fields that change the answer and have no OpenAI Chat equivalent. */
const ANTHROPIC_ONLY = ['mcp_servers', 'container', 'context_management'] as const;
/** Anthropic hints with no effect on the answer (OpenAI caches automatically). */
const ANTHROPIC_HINTS = ['cache_control', 'service_tier', 'inference_geo'] as const;

/** Refuse, or drop when the operator allowed it (the Anthropic adapter's ParamGate, for this wire). */
export class OpenAiParamGate {
  readonly #drop: ReadonlySet<string>;
  readonly dropped: string[] = [];
  readonly ignored: string[] = [];
  constructor(readonly target: string, dropParams: ReadonlySet<string> | undefined) {
    this.#drop = dropParams ?? new Set();
  }
  refuse(key: string, param: string = key, why?: string): void {
    if (!this.#drop.has(key)) throw new UnsupportedParameterError(param, this.target, why);
    if (!this.dropped.includes(key)) this.dropped.push(key);
  }
  ignore(param: string): void {
    if (!this.ignored.includes(param)) this.ignored.push(param);
  }
}

/**
 * Anthropic's thinking budget has no OpenAI equivalent; the nearest reasoning_effort is sent
 * (documented emulation, providers.md §0.1): ≤ 2048 low, ≤ 8192 medium, above high.
 */
export function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  return budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Where a canonical message came from in the client's request, for error paths. */
function at(i: number): string {
  return `messages[${i}]`;
}

function parts(content: readonly ContentPart[], param: string, gate: OpenAiParamGate, allowImages: boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  content.forEach((p, j) => {
    const pp = `${param}.content[${j}]`;
    if (p.type === 'text') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image') {
      if (!allowImages) gate.refuse('image', pp, 'an image in this role is not supported by');
      else out.push({ type: 'image_url', image_url: { url: p.url, ...(p.detail !== undefined ? { detail: p.detail } : {}) } });
    } else gate.refuse(p.wireType, pp, `(a '${p.wireType}' block) is not supported by`);
  });
  return out;
}

/**
 * One plain text travels as a string (what OpenAI's own clients send); anything else as parts —
 * several text blocks stay several parts: joining them would glue their words together.
 */
function contentValue(ps: Record<string, unknown>[]): string | Record<string, unknown>[] {
  const only = ps.length === 1 ? ps[0] : undefined;
  if (only?.['type'] === 'text') return only['text'] as string;
  return ps.length === 0 ? '' : ps;
}

function message(m: ChatMessage, i: number, gate: OpenAiParamGate): Record<string, unknown> | undefined {
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: m.role, content: contentValue(parts(m.content, at(i), gate, false)), ...(m.name !== undefined ? { name: m.name } : {}) };
    case 'user': {
      const ps = parts(m.content, at(i), gate, true);
      return { role: 'user', content: contentValue(ps), ...(m.name !== undefined ? { name: m.name } : {}) };
    }
    case 'assistant': {
      if (m.reasoning !== undefined && m.reasoning.length > 0) gate.ignore(`${at(i)}.reasoning`);
      const ps = parts(m.content, at(i), gate, false);
      const content = contentValue(ps);
      const out: Record<string, unknown> = { role: 'assistant', content: content === '' && m.toolCalls !== undefined ? null : content };
      if (m.toolCalls !== undefined && m.toolCalls.length > 0) {
        out['tool_calls'] = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      }
      if (m.name !== undefined) out['name'] = m.name;
      return out;
    }
    case 'tool': {
      // OpenAI tool results take text only; is_error has no slot (the text says what failed).
      if (m.isError === true) gate.ignore(`${at(i)}.is_error`);
      return { role: 'tool', tool_call_id: m.toolCallId, content: contentValue(parts(m.content, at(i), gate, false)) };
    }
  }
}

/** The OpenAI chat body for a request from another wire, with what was dropped and left out. */
export function openAiCanonicalBody(req: ChatRequest, model: string, opts: ChatEncodeOptions, target: string): { body: string; dropped: readonly string[]; ignored: readonly string[] } {
  const gate = new OpenAiParamGate(target, opts.dropParams);
  const src: Readonly<Record<string, unknown>> = req.source.wire === 'anthropic-messages' ? req.source.body : {};
  for (const key of ANTHROPIC_ONLY) if (present(src[key])) gate.refuse(key);
  for (const key of ANTHROPIC_HINTS) if (present(src[key])) gate.ignore(key);
  if (req.topK !== undefined) gate.refuse('top_k');
  for (const t of req.opaqueTools ?? []) gate.refuse(t, 'tools', `(the server tool '${t}') is not supported by`);

  const body: Record<string, unknown> = { model, messages: [] };
  const messages: Record<string, unknown>[] = [];
  req.messages.forEach((m, i) => {
    const out = message(m, i, gate);
    if (out !== undefined) messages.push(out);
  });
  body['messages'] = messages;

  const hasTools = req.tools !== undefined && req.tools.length > 0;
  if (hasTools) {
    body['tools'] = req.tools?.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters ?? { type: 'object', properties: {} },
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
  }
  const tc = req.toolChoice;
  if (tc !== undefined && (hasTools || tc === 'none')) body['tool_choice'] = typeof tc === 'object' ? { type: 'function', function: { name: tc.name } } : tc;
  // OpenAI refuses parallel_tool_calls without tools.
  if (req.parallelToolCalls !== undefined && hasTools) body['parallel_tool_calls'] = req.parallelToolCalls;
  const rf = req.responseFormat;
  if (rf !== undefined) {
    body['response_format'] =
      rf.type === 'json_schema' ? { type: 'json_schema', json_schema: { name: rf.name, schema: rf.schema, ...(rf.strict !== undefined ? { strict: rf.strict } : {}) } } : { type: rf.type };
  }
  if (req.stop !== undefined && req.stop.length > 0) {
    if (req.stop.length > 4) gate.refuse('stop_sequences', 'stop_sequences', `with more than 4 entries (${req.stop.length}) is not supported by`);
    else body['stop'] = req.stop;
  }
  if (req.temperature !== undefined) body['temperature'] = req.temperature;
  if (req.topP !== undefined) body['top_p'] = req.topP;
  if (req.maxOutputTokens !== undefined) body['max_completion_tokens'] = req.maxOutputTokens;
  if (req.n !== undefined) body['n'] = req.n;
  if (req.seed !== undefined) body['seed'] = req.seed;
  if (req.logprobs !== undefined) body['logprobs'] = req.logprobs;
  if (req.topLogprobs !== undefined) body['top_logprobs'] = req.topLogprobs;
  if (req.frequencyPenalty !== undefined) body['frequency_penalty'] = req.frequencyPenalty;
  if (req.presencePenalty !== undefined) body['presence_penalty'] = req.presencePenalty;
  if (req.logitBias === true) gate.refuse('logit_bias', 'logit_bias', '(only known as a flag after translation) is not supported by');
  const effort = req.reasoningEffort ?? (req.reasoningBudgetTokens !== undefined ? effortForBudget(req.reasoningBudgetTokens) : undefined);
  if (effort !== undefined) body['reasoning_effort'] = effort;
  if (req.user !== undefined && req.user !== '') body['user'] = req.user;
  if (req.metadata !== undefined) body['metadata'] = req.metadata;
  if (req.stream) {
    body['stream'] = true;
    body['stream_options'] = { include_usage: true };
  }
  return { body: JSON.stringify(body), dropped: gate.dropped, ignored: gate.ignored };
}

/** The whole request for api.openai.com-style endpoints (path and headers given by the caller). */
export function encodeOpenAiCanonicalChat(
  req: ChatRequest,
  model: string,
  opts: ChatEncodeOptions,
  target: string,
  where: { readonly path: string; readonly headers: Readonly<Record<string, string>> },
): EncodedChat {
  const { body, dropped, ignored } = openAiCanonicalBody(req, model, opts, target);
  return { request: { method: 'POST', path: where.path, headers: where.headers, body }, dropped, ignored, defaultedMaxTokens: undefined };
}

