// Canonical messages → Mistral `messages` (providers.md §8, §15). Roles map one to one, with
// Mistral's own rules:
// - system and developer → `system` (text only);
// - user text and images → `text` / `image_url{url, detail}` chunks (a text-only message as a string);
// - assistant → `content` + `tool_calls`; a conversation that ends with an assistant turn is a
//   prefill, which Mistral takes only as `prefix: true`;
// - tool results → `tool` messages with the `tool_call_id` and the called function's `name`;
// - tool-call ids are rewritten to Mistral's 9-character form, consistently (tool-ids.ts).
// Mistral rejects unknown fields, so what has no slot — a message `name`, reasoning blocks of an
// earlier turn, `is_error` — is left out and listed; images where Mistral takes none are refused.
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/chat.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import { MistralToolIds } from './tool-ids.js';
import type { MistralImageChunk, MistralMessage, MistralTextChunk } from './wire-types.js';

function parts(content: readonly ContentPart[], i: number, gate: ParamGate, allowImages: boolean): (MistralTextChunk | MistralImageChunk)[] {
  const out: (MistralTextChunk | MistralImageChunk)[] = [];
  content.forEach((p, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (p.type === 'text') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image') {
      if (!allowImages) gate.refuse('image_url', param, 'an image in this role is not supported by');
      else out.push({ type: 'image_url', image_url: { url: p.url, ...(p.detail !== undefined ? { detail: p.detail } : {}) } });
    } else gate.refuse(p.wireType, param, `(a '${p.wireType}' part) is not supported by`);
  });
  return out;
}

/** One text is a string; several stay chunks (joining them would glue their words together). */
function textOf(ps: readonly (MistralTextChunk | MistralImageChunk)[]): string | MistralTextChunk[] {
  const texts = ps.filter((p): p is MistralTextChunk => p.type === 'text');
  if (texts.length === 1) return texts[0]!.text;
  return texts.length === 0 ? '' : texts;
}

export function encodeMistralMessages(req: ChatRequest, gate: ParamGate): MistralMessage[] {
  const ids = new MistralToolIds(req.messages);
  const names = new Map<string, string>();
  const last = req.messages.length - 1;
  return req.messages.map((m: ChatMessage, i): MistralMessage => {
    if ('name' in m && m.name !== undefined) gate.ignore(`messages[${i}].name`);
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(parts(m.content, i, gate, false)) };
      case 'user': {
        const ps = parts(m.content, i, gate, true);
        return { role: 'user', content: ps.every((p) => p.type === 'text') ? textOf(ps) : ps };
      }
      case 'assistant': {
        if (m.reasoning !== undefined && m.reasoning.length > 0) gate.ignore(`messages[${i}].reasoning`);
        const text = textOf(parts(m.content, i, gate, false));
        const calls = m.toolCalls ?? [];
        for (const c of calls) names.set(c.id, c.name);
        return {
          role: 'assistant',
          ...(text !== '' || calls.length === 0 ? { content: text } : {}),
          ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: ids.wire(c.id), type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
          ...(i === last && calls.length === 0 ? { prefix: true as const } : {}),
        };
      }
      case 'tool': {
        if (m.isError === true) gate.ignore(`messages[${i}].is_error`);
        const name = names.get(m.toolCallId);
        return { role: 'tool', tool_call_id: ids.wire(m.toolCallId), ...(name !== undefined ? { name } : {}), content: textOf(parts(m.content, i, gate, false)) };
      }
    }
  });
}
