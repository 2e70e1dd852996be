// Canonical ChatResponse → Anthropic `message` JSON (providers.md §4), for answers translated from
// another wire. Blocks in Anthropic's order: thinking, text, tool_use (input parsed back into an
// object). Only choice 0 exists on this wire. A choice that ended in error, or without a finish
// reason, is thrown as an UpstreamError so the client gets an error, never an empty 200.
import type { ChatChoice, ChatResponse, ToolCall } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import { anthropicStopReason } from './stop-reason.js';
import { anthropicUsage } from './usage-json.js';
import { ZERO_USAGE } from '../../core/usage.js';

export interface EncodeMessageOptions {
  /** The `model` shown to the client (default: the provider's model from the response). */
  readonly model?: string;
}

/** Tool input as an object: Anthropic clients read `input`, never a string. */
export function toolInput(call: ToolCall): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(call.arguments);
  } catch {
    throw new UpstreamError({ status: 502, message: `The upstream produced tool arguments that are not JSON for '${call.name}'`, upstreamCode: 'invalid_tool_arguments', retryable: false });
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}

export function anthropicContent(c: ChatChoice): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  for (const r of c.reasoning ?? []) {
    if (r.type === 'redacted') blocks.push({ type: 'redacted_thinking', data: r.data });
    else blocks.push({ type: 'thinking', thinking: r.text, signature: r.signature ?? '' });
  }
  if (c.text !== null && c.text !== '') blocks.push({ type: 'text', text: c.text });
  for (const t of c.toolCalls) blocks.push({ type: 'tool_use', id: t.id, name: t.name, input: toolInput(t) });
  return blocks;
}

export function encodeAnthropicMessage(res: ChatResponse, opts: EncodeMessageOptions = {}): string {
  const c = res.choices.find((x) => x.index === 0) ?? res.choices[0];
  if (c === undefined) throw new UpstreamError({ status: 502, message: 'The upstream returned no answer', upstreamCode: 'protocol_error', retryable: false });
  const stop = anthropicStopReason(c);
  return JSON.stringify({
    id: res.id,
    type: 'message',
    role: 'assistant',
    model: opts.model ?? res.model,
    content: anthropicContent(c),
    stop_reason: stop,
    stop_sequence: null,
    usage: anthropicUsage(res.usage ?? ZERO_USAGE),
  });
}
