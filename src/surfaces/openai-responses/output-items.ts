// Ids and JSON of the Responses output items the gateway writes (providers.md §2): `message` with
// one `output_text` part, `function_call`, and `reasoning` (reasoning-items.ts). Ids are derived
// from the canonical answer's id and the item's output index, so the same answer always gets the
// same ids and items of one response never share one.
import type { ToolCall } from '../../core/chat.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponseIds {
  readonly response: string;
  item(prefix: 'msg' | 'fc' | 'rs', outputIndex: number): string;
}

export function responseIds(canonicalId: string): ResponseIds {
  const base = canonicalId.startsWith('resp_') ? canonicalId.slice('resp_'.length) : canonicalId;
  return { response: `resp_${base}`, item: (prefix, outputIndex) => `${prefix}_${base}_${outputIndex}` };
}

export function outputTextPart(text: string): Record<string, unknown> {
  // logprobs are required by the spec; the canonical answer carries none.
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function messageItem(id: string, status: ItemStatus, text: string | undefined): Record<string, unknown> {
  return { type: 'message', id, status, role: 'assistant', content: text === undefined ? [] : [outputTextPart(text)] };
}

/** `call_id` is the canonical tool-call id: what the client sends back in function_call_output. */
export function functionCallItem(id: string, status: ItemStatus, call: ToolCall): Record<string, unknown> {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}
