// Renders a completion plan as Anthropic Messages output (providers.md §4): one `message` object, or
// the frames of a named-event SSE stream. Pure: ids come in the envelope, so the server and samples.ts
// share this code.
//
// Stream layout: message_start (usage with the input side, provisional output_tokens 1), the thinking
// block when reasoning tokens were scripted (block 0), then content blocks — one text block, or one
// tool_use block per call, one after another (Anthropic never interleaves blocks; block indices count
// thinking and text too) — then message_delta with CUMULATIVE usage and message_stop. A ping follows
// the first content_block_start, as Anthropic sends it. No [DONE].
//
// Frame accounting for cut_after / error_after (../stream-writer.ts): one `deltas` frame per plan delta.
// A call's first delta frame also closes the previous call's block and opens its own.
import type { CompletionPlan, Delta, FinishReason } from '../completion-plan.js';
import type { StreamFrames } from '../stream-writer.js';

export interface MessageEnvelope {
  readonly id: string;
  readonly model: string;
}

/** Usage in Anthropic's terms: cache reads and writes BESIDE input_tokens. */
export interface AnthropicUsageCounts {
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  /** Includes thinking tokens. */
  readonly outputTokens: number;
  readonly thinkingTokens: number;
}

export const THINKING_TEXT = ['Let me think', ' this through.'] as const;
/** A fixed stand-in for Anthropic's opaque thinking signature (base64 of "tollgate-mock-signature"). */
export const THINKING_SIGNATURE = 'dG9sbGdhdGUtbW9jay1zaWduYXR1cmU=';

const STOP_REASON: Readonly<Record<FinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

const q = JSON.stringify;

function usageJson(u: AnthropicUsageCounts, outputTokens: number): string {
  const details = u.thinkingTokens > 0 ? `,"output_tokens_details":{"thinking_tokens":${u.thinkingTokens}}` : '';
  return (
    `{"input_tokens":${u.inputTokens},"cache_creation_input_tokens":${u.cacheWriteTokens},` +
    `"cache_read_input_tokens":${u.cacheReadTokens},` +
    `"cache_creation":{"ephemeral_5m_input_tokens":${u.cacheWriteTokens},"ephemeral_1h_input_tokens":0},` +
    `"output_tokens":${outputTokens}${details},"service_tier":"standard"}`
  );
}

function toolInput(args: string): string {
  try {
    const v: unknown = JSON.parse(args);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return q(v);
  } catch {
    // Arguments cut by max_tokens: Anthropic returns what it could parse; we return {}.
  }
  return '{}';
}

export function encodeMessage(env: MessageEnvelope, plan: CompletionPlan, usage: AnthropicUsageCounts): string {
  const blocks: string[] = [];
  if (usage.thinkingTokens > 0) blocks.push(`{"type":"thinking","thinking":${q(THINKING_TEXT.join(''))},"signature":${q(THINKING_SIGNATURE)}}`);
  if (plan.calls.length === 0) {
    if (plan.text !== '') blocks.push(`{"type":"text","text":${q(plan.text)}}`);
  } else {
    for (const c of plan.calls) blocks.push(`{"type":"tool_use","id":${q(c.id)},"name":${q(c.name)},"input":${toolInput(c.arguments)}}`);
  }
  return (
    `{"id":${q(env.id)},"type":"message","role":"assistant","model":${q(env.model)},"content":[${blocks.join(',')}],` +
    `"stop_reason":"${STOP_REASON[plan.finish]}","stop_sequence":null,"stop_details":null,` +
    `"usage":${usageJson(usage, usage.outputTokens)}}`
  );
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

const PING = frame('ping', '{"type":"ping"}');

function blockStart(index: number, block: string): string {
  return frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${block}}`);
}

function blockDelta(index: number, delta: string): string {
  return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${delta}}`);
}

function blockStop(index: number): string {
  return frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
}

function thinkingFrames(): string[] {
  return [
    blockStart(0, '{"type":"thinking","thinking":"","signature":""}'),
    ...THINKING_TEXT.map((t) => blockDelta(0, `{"type":"thinking_delta","thinking":${q(t)}}`)),
    blockDelta(0, `{"type":"signature_delta","signature":${q(THINKING_SIGNATURE)}}`),
    blockStop(0),
  ];
}

/** Tool deltas regrouped call by call: Anthropic streams one block at a time. */
type ToolDelta = Exclude<Delta, { kind: 'text' }>;

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

export function encodeMessageStream(env: MessageEnvelope, plan: CompletionPlan, usage: AnthropicUsageCounts): StreamFrames {
  const start =
    `{"type":"message_start","message":{"id":${q(env.id)},"type":"message","role":"assistant","model":${q(env.model)},` +
    `"content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":${usageJson({ ...usage, thinkingTokens: 0 }, 1)}}}`;
  const head = [frame('message_start', start)];
  const first = usage.thinkingTokens > 0 ? 1 : 0;
  if (first === 1) head.push(...thinkingFrames());

  const deltas: string[] = [];
  let open: number | undefined;
  if (plan.calls.length === 0) {
    open = first;
    head.push(blockStart(first, '{"type":"text","text":""}'), PING);
    for (const d of plan.deltas) if (d.kind === 'text') deltas.push(blockDelta(first, `{"type":"text_delta","text":${q(d.text)}}`));
  } else {
    head.push(PING);
    for (const d of sequentialToolDeltas(plan.deltas)) {
      const index = first + d.call;
      if (d.kind === 'tool_start') {
        const close = open === undefined ? '' : blockStop(open);
        open = index;
        deltas.push(close + blockStart(index, `{"type":"tool_use","id":${q(d.id)},"name":${q(d.name)},"input":{}}`));
      } else {
        deltas.push(blockDelta(index, `{"type":"input_json_delta","partial_json":${q(d.args)}}`));
      }
    }
  }
  const tail: string[] = [];
  if (open !== undefined) tail.push(blockStop(open));
  tail.push(
    frame(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${STOP_REASON[plan.finish]}","stop_sequence":null,"stop_details":null},` +
        `"usage":${usageJson(usage, usage.outputTokens)}}`,
    ),
    frame('message_stop', '{"type":"message_stop"}'),
  );
  return { head, deltas, tail };
}
