// Renders a completion plan as Cohere v2 Chat output (providers.md §9): one response object, or the
// frames of an SSE stream (`event: <type>` + `data: {"type": <type>, …}`). Pure: ids come in the
// envelope, so the server and samples.ts share this code.
//
// Stream layout: message-start; a thinking content item (index 0) when reasoning tokens were
// scripted; then either one text content item (content-start / content-delta per word) or, for tool
// calls, the tool plan (tool-plan-delta) and one call after another (tool-call-start / -delta /
// -end; Cohere's index counts the thinking item too, so calls start at 1 after it); then
// message-end with the finish reason and the usage, and `data: [DONE]` (the official SDK's stream
// terminator).
//
// Frame accounting for cut_after / error_after (../stream-writer.ts): one `deltas` frame per plan
// delta. A call's first frame also closes the previous call.
import type { CompletionPlan, Delta, FinishReason } from '../completion-plan.js';
import type { StreamFrames } from '../stream-writer.js';
import type { UsageCounts } from '../usage.js';

export interface CohereEnvelope {
  readonly id: string;
}

export const THINKING_TEXT = ['Let me think', ' this through.'] as const;
export const TOOL_PLAN = ['I will call the tools', ' to answer this.'] as const;

const FINISH: Readonly<Record<FinishReason, string>> = { stop: 'COMPLETE', length: 'MAX_TOKENS', tool_calls: 'TOOL_CALL' };

const q = JSON.stringify;

/** Cohere counts cached tokens inside input_tokens and thinking inside output_tokens; it bills what it counts here. */
export function usageJson(u: UsageCounts): string {
  const units = `{"input_tokens":${u.promptTokens},"output_tokens":${u.completionTokens}}`;
  return `{"billed_units":${units},"tokens":${units},"cached_tokens":${u.cachedTokens}}`;
}

function callJson(c: { readonly id: string; readonly name: string; readonly arguments: string }): string {
  return `{"id":${q(c.id)},"type":"function","function":{"name":${q(c.name)},"arguments":${q(c.arguments)}}}`;
}

export function encodeChatResponse(env: CohereEnvelope, plan: CompletionPlan, usage: UsageCounts): string {
  const content: string[] = [];
  if (usage.reasoningTokens > 0) content.push(`{"type":"thinking","thinking":${q(THINKING_TEXT.join(''))}}`);
  let message: string;
  if (plan.calls.length === 0) {
    content.push(`{"type":"text","text":${q(plan.text)}}`);
    message = `{"role":"assistant","content":[${content.join(',')}]}`;
  } else {
    const thinking = content.length > 0 ? `,"content":[${content.join(',')}]` : '';
    message = `{"role":"assistant"${thinking},"tool_plan":${q(TOOL_PLAN.join(''))},"tool_calls":[${plan.calls.map(callJson).join(',')}]}`;
  }
  return `{"id":${q(env.id)},"message":${message},"finish_reason":"${FINISH[plan.finish]}","usage":${usageJson(usage)}}`;
}

function frame(type: string, rest: string): string {
  return `event: ${type}\ndata: {"type":"${type}"${rest}}\n\n`;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

function contentStart(index: number, content: string): string {
  return frame('content-start', `,"index":${index},"delta":{"message":{"content":${content}}}`);
}

function contentDelta(index: number, content: string): string {
  return frame('content-delta', `,"index":${index},"delta":{"message":{"content":${content}}}`);
}

function contentEnd(index: number): string {
  return frame('content-end', `,"index":${index}`);
}

function toolCallEnd(index: number): string {
  return frame('tool-call-end', `,"index":${index}`);
}

type ToolDelta = Exclude<Delta, { kind: 'text' }>;

/** Tool deltas regrouped call by call: Cohere streams one call at a time. */
function sequentialToolDeltas(deltas: readonly Delta[]): ToolDelta[] {
  const byCall = new Map<number, ToolDelta[]>();
  for (const d of deltas) {
    if (d.kind === 'text') continue;
    let list = byCall.get(d.call);
    if (list === undefined) byCall.set(d.call, (list = []));
    list.push(d);
  }
  return [...byCall.keys()].sort((a, b) => a - b).flatMap((c) => byCall.get(c) as ToolDelta[]);
}

export function encodeChatStream(env: CohereEnvelope, plan: CompletionPlan, usage: UsageCounts): StreamFrames {
  const head = [
    frame('message-start', `,"id":${q(env.id)},"delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}`),
  ];
  const first = usage.reasoningTokens > 0 ? 1 : 0;
  if (first === 1) {
    head.push(contentStart(0, '{"type":"thinking","thinking":""}'));
    for (const t of THINKING_TEXT) head.push(contentDelta(0, `{"thinking":${q(t)}}`));
    head.push(contentEnd(0));
  }
  const deltas: string[] = [];
  const tail: string[] = [];
  if (plan.calls.length === 0) {
    head.push(contentStart(first, '{"type":"text","text":""}'));
    for (const d of plan.deltas) if (d.kind === 'text') deltas.push(contentDelta(first, `{"text":${q(d.text)}}`));
    tail.push(contentEnd(first));
  } else {
    for (const p of TOOL_PLAN) head.push(frame('tool-plan-delta', `,"delta":{"message":{"tool_plan":${q(p)}}}`));
    let open: number | undefined;
    for (const d of sequentialToolDeltas(plan.deltas)) {
      const index = first + d.call;
      if (d.kind === 'tool_start') {
        const close = open === undefined ? '' : toolCallEnd(open);
        open = index;
        const call = `{"id":${q(d.id)},"type":"function","function":{"name":${q(d.name)},"arguments":""}}`;
        deltas.push(close + frame('tool-call-start', `,"index":${index},"delta":{"message":{"tool_calls":${call}}}`));
      } else {
        deltas.push(frame('tool-call-delta', `,"index":${index},"delta":{"message":{"tool_calls":{"function":{"arguments":${q(d.args)}}}}}`));
      }
    }
    if (open !== undefined) tail.push(toolCallEnd(open));
  }
  tail.push(frame('message-end', `,"delta":{"finish_reason":"${FINISH[plan.finish]}","usage":${usageJson(usage)}}`), DONE_FRAME);
  return { head, deltas, tail };
}
