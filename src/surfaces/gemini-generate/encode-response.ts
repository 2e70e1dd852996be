// Canonical ChatResponse → Gemini GenerateContentResponse JSON (providers.md §5), for answers
// translated from another wire. One candidate per choice; parts in Gemini's order: thoughts, text,
// function calls (args parsed back into an object, our call id kept so the client can send it back
// on its functionResponse).
//
// Reasoning: a thinking block with text → a `thought: true` part (with its signature); a block that
// is only a signature (how a Gemini signature looks once canonical) goes on the first function call,
// or the text, as Gemini places it — decode.ts reads both back into the same blocks. Redacted
// blocks (Anthropic's encrypted thinking) have no Gemini form and are left out.
import type { ChatChoice, ChatResponse, ToolCall } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import { geminiFinishReason } from './finish-reason.js';
import { geminiUsage } from './usage-json.js';

export interface EncodeGenerateContentOptions {
  /** The `modelVersion` shown to the client (default: the provider's model from the response). */
  readonly model?: string;
}

type Part = Record<string, unknown>;

/** Function-call args as an object: Gemini's `args` is a Struct, never a string. */
export function functionArgs(call: Pick<ToolCall, 'name' | 'arguments'>): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(call.arguments);
  } catch {
    throw new UpstreamError({ status: 502, message: `The upstream produced tool arguments that are not JSON for '${call.name}'`, upstreamCode: 'invalid_tool_arguments', retryable: false });
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}

export function functionCallPart(call: ToolCall): Part {
  return { functionCall: { id: call.id, name: call.name, args: functionArgs(call) } };
}

export function candidateParts(c: Pick<ChatChoice, 'text' | 'toolCalls' | 'reasoning'>): Part[] {
  const thoughts: Part[] = [];
  const signatures: string[] = [];
  for (const r of c.reasoning ?? []) {
    if (r.type === 'redacted') continue;
    if (r.text === '' && r.signature !== undefined) signatures.push(r.signature);
    else if (r.text !== '') thoughts.push({ text: r.text, thought: true, ...(r.signature !== undefined ? { thoughtSignature: r.signature } : {}) });
  }
  const answer: Part[] = [];
  if (c.text !== null && c.text !== '') answer.push({ text: c.text });
  for (const t of c.toolCalls) answer.push(functionCallPart(t));
  const [first, ...more] = signatures;
  if (first !== undefined) {
    const target = answer.find((p) => p['functionCall'] !== undefined) ?? answer[0];
    if (target !== undefined) target['thoughtSignature'] = first;
    else answer.push({ text: '', thoughtSignature: first });
  }
  for (const s of more) answer.push({ text: '', thoughtSignature: s });
  return [...thoughts, ...answer];
}

export function encodeGenerateContentResponse(res: ChatResponse, opts: EncodeGenerateContentOptions = {}): string {
  if (res.choices.length === 0) throw new UpstreamError({ status: 502, message: 'The upstream returned no answer', upstreamCode: 'protocol_error', retryable: false });
  const candidates = [...res.choices]
    .sort((a, b) => a.index - b.index)
    .map((c) => ({ content: { role: 'model', parts: candidateParts(c) }, finishReason: geminiFinishReason(c), index: c.index }));
  return JSON.stringify({
    candidates,
    ...(res.usage !== null ? { usageMetadata: geminiUsage(res.usage) } : {}),
    modelVersion: opts.model ?? res.model,
    responseId: res.id,
  });
}
