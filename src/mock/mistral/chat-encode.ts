// Renders a completion plan as Mistral chat output (providers.md §8): one `chat.completion`, or the
// frames of a data-only SSE stream ending with `data: [DONE]`. Pure: ids and clock come in the
// envelope, so the server and samples.ts share this code.
//
// Mistral's own shapes: with reasoning tokens scripted, `content` is an ARRAY — a `thinking` chunk
// (a list of text chunks) then a `text` chunk; a streamed tool call arrives WHOLE in one chunk (id,
// name and arguments together, as the official SDK's schema requires); there is no
// stream_options — the last chunk carries finish_reason and usage. Usage reports cache hits in
// `prompt_tokens_details.cached_tokens` and reasoning in `completion_tokens_details`.
//
// Frame accounting for cut_after / error_after (../stream-writer.ts): one `deltas` frame per word,
// and one per tool call (worth that call's fragments in tokens, 5 for a whole call).
import type { CompletionPlan, PlannedCall } from '../completion-plan.js';
import type { StreamFrames } from '../stream-writer.js';
import type { UsageCounts } from '../usage.js';

export interface MistralEnvelope {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export const THINKING_TEXT = ['Let me think', ' this through.'] as const;
export const DONE_FRAME = 'data: [DONE]\n\n';

const q = JSON.stringify;

export function usageJson(u: UsageCounts): string {
  return (
    `{"prompt_tokens":${u.promptTokens},"total_tokens":${u.promptTokens + u.completionTokens},"completion_tokens":${u.completionTokens},` +
    `"prompt_tokens_details":{"cached_tokens":${u.cachedTokens}},"completion_tokens_details":{"reasoning_tokens":${u.reasoningTokens}}}`
  );
}

function thinkingChunk(text: string): string {
  return `{"type":"thinking","thinking":[{"type":"text","text":${q(text)}}]}`;
}

function callJson(c: PlannedCall, index: number): string {
  return `{"id":${q(c.id)},"type":"function","function":{"name":${q(c.name)},"arguments":${q(c.arguments)}},"index":${index}}`;
}

function messageJson(plan: CompletionPlan, reasoning: boolean): string {
  const text = plan.calls.length === 0 ? plan.text : '';
  const content = reasoning ? `[${thinkingChunk(THINKING_TEXT.join(''))}${text !== '' ? `,{"type":"text","text":${q(text)}}` : ''}]` : q(text);
  const calls = plan.calls.length === 0 ? 'null' : `[${plan.calls.map((c, k) => callJson(c, k)).join(',')}]`;
  return `{"role":"assistant","tool_calls":${calls},"content":${content}}`;
}

export function encodeChatCompletion(env: MistralEnvelope, plan: CompletionPlan, usage: UsageCounts): string {
  return (
    `{"id":${q(env.id)},"object":"chat.completion","model":${q(env.model)},"usage":${usageJson(usage)},"created":${env.created},` +
    `"choices":[{"index":0,"finish_reason":"${plan.finish}","message":${messageJson(plan, usage.reasoningTokens > 0)}}]}`
  );
}

/** The tokens each streamed call is worth: the plan's fragments of that call. */
export function callTokens(plan: CompletionPlan): number[] {
  const tokens: number[] = plan.calls.map(() => 0);
  for (const d of plan.deltas) if (d.kind !== 'text') tokens[d.call] = (tokens[d.call] ?? 0) + d.tokens;
  return tokens;
}

export function encodeChatStream(env: MistralEnvelope, plan: CompletionPlan, usage: UsageCounts): StreamFrames {
  const open = `data: {"id":${q(env.id)},"object":"chat.completion.chunk","created":${env.created},"model":${q(env.model)},"choices":[`;
  const chunk = (delta: string, finish: string, tail = ''): string => `${open}{"index":0,"delta":${delta},"finish_reason":${finish}}]${tail}}\n\n`;
  const head = [chunk('{"role":"assistant","content":""}', 'null')];
  if (usage.reasoningTokens > 0) for (const t of THINKING_TEXT) head.push(chunk(`{"content":[${thinkingChunk(t)}]}`, 'null'));
  const deltas =
    plan.calls.length === 0
      ? plan.deltas.map((d) => chunk(`{"content":${q(d.kind === 'text' ? d.text : '')}}`, 'null'))
      : plan.calls.map((c, k) => chunk(`{"tool_calls":[${callJson(c, k)}]}`, 'null'));
  const tail = [chunk('{"content":""}', `"${plan.finish}"`, `,"usage":${usageJson(usage)}`), DONE_FRAME];
  return { head, deltas, tail };
}
