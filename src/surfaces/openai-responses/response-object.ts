// The `response` object around the output items (providers.md §2): status, usage, and the echo of
// the request that the spec requires (model, instructions, tools, tool_choice, temperature, top_p,
// parallel_tool_calls, metadata…). Echoed values come from the request when it is known, else the
// spec's defaults. `store` is always false: the gateway stores nothing, whatever was asked.
import type { ChatRequest, FinishReason, ResponseFormat } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import { isObject } from '../field-checks.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';
export type IncompleteReason = 'max_output_tokens' | 'content_filter';

/** How an answer that finished ends on this wire, or the error the client must get instead. */
export function terminalStatus(reason: FinishReason | null, providerReason: string | null | undefined): { status: 'completed' | 'incomplete'; incomplete?: IncompleteReason } {
  if (reason === 'stop' || reason === 'tool_calls') return { status: 'completed' };
  if (reason === 'length') return { status: 'incomplete', incomplete: 'max_output_tokens' };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete: 'content_filter' };
  const why = providerReason ?? (reason === null ? 'no finish reason' : 'error');
  throw new UpstreamError({ status: 502, message: `The upstream ended the answer without success (${why})`, upstreamCode: providerReason ?? null, retryable: false });
}

export function responsesUsage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens, cache_write_tokens: u.cacheWriteTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** The request fields a Response repeats. */
export function requestEcho(req: ChatRequest | undefined): Record<string, unknown> {
  const body: Readonly<Record<string, unknown>> = req?.source.wire === 'openai-responses' ? req.source.body : {};
  const instructions = body['instructions'];
  const truncation = body['truncation'];
  const tc = req?.toolChoice;
  return {
    instructions: typeof instructions === 'string' ? instructions : null,
    max_output_tokens: req?.maxOutputTokens ?? null,
    parallel_tool_calls: req?.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: req?.reasoningEffort ?? null, summary: null },
    store: false,
    background: false,
    temperature: req?.temperature ?? 1,
    text: { format: formatJson(req?.responseFormat) },
    tool_choice: tc === undefined ? 'auto' : typeof tc === 'object' ? { type: 'function', name: tc.name } : tc,
    tools: toolsEcho(req, body['tools']),
    top_p: req?.topP ?? 1,
    truncation: truncation === 'auto' ? 'auto' : 'disabled',
    metadata: req?.metadata ?? {},
  };
}

function formatJson(f: ResponseFormat | undefined): Record<string, unknown> {
  if (f === undefined || f.type !== 'json_schema') return { type: f?.type ?? 'text' };
  return { type: 'json_schema', name: f.name, schema: f.schema, strict: f.strict ?? null };
}

/** Function tools in their canonical form (with the nulls the spec requires); built-in tools as sent. */
function toolsEcho(req: ChatRequest | undefined, sent: unknown): Record<string, unknown>[] {
  const fns = (req?.tools ?? []).map((t) => ({
    type: 'function',
    name: t.name,
    description: t.description ?? null,
    parameters: t.parameters ?? null,
    strict: t.strict ?? null,
  }));
  if (!Array.isArray(sent)) return fns;
  let next = 0;
  return sent.filter(isObject).map((t) => (t['type'] === 'function' ? (fns[next++] ?? t) : t));
}

export interface ResponseObjectParts {
  readonly id: string;
  readonly createdAt: number;
  readonly model: string;
  readonly status: ResponseStatus;
  readonly incomplete?: IncompleteReason;
  readonly error?: { readonly code: string; readonly message: string };
  readonly output: readonly Record<string, unknown>[];
  readonly usage: Usage | null;
  readonly echo: Readonly<Record<string, unknown>>;
}

export function responseObject(p: ResponseObjectParts): Record<string, unknown> {
  return {
    id: p.id,
    object: 'response',
    created_at: p.createdAt,
    status: p.status,
    error: p.error ?? null,
    incomplete_details: p.incomplete !== undefined ? { reason: p.incomplete } : null,
    model: p.model,
    output: p.output,
    ...p.echo,
    // The spec's ResponseUsage is not nullable: left out until it is known.
    ...(p.usage !== null ? { usage: responsesUsage(p.usage) } : {}),
  };
}
