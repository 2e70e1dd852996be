// Canonical messages → Cohere v2 `messages` (providers.md §9, §15). Cohere keeps OpenAI's roles, so
// the conversation maps one message to one message:
// - system and developer → `system` (text only);
// - user text and images → `text` / `image_url{url, detail}` parts (a single text travels as a string);
// - assistant text and tool calls → `content` + `tool_calls` (arguments stay JSON text);
// - tool results → `tool` messages with `tool_call_id` (text only: Cohere's tool content is text or
//   documents, never images).
// What has no Cohere slot — reasoning blocks from an earlier turn (Cohere does not need them back),
// `is_error`, a message `name` — is left out and listed; images where Cohere takes none are refused.
import type { ChatMessage, ChatRequest, ContentPart } from '../../core/chat.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import type { CohereImagePart, CohereMessage, CohereTextPart } from './wire-types.js';

function param(i: number, j: number): string {
  return `messages[${i}].content[${j}]`;
}

/** Text and (where allowed) image parts; anything else refused, or dropped when allowed. */
function parts(content: readonly ContentPart[], i: number, gate: ParamGate, allowImages: boolean): (CohereTextPart | CohereImagePart)[] {
  const out: (CohereTextPart | CohereImagePart)[] = [];
  content.forEach((p, j) => {
    if (p.type === 'text') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image') {
      if (!allowImages) gate.refuse('image_url', param(i, j), 'an image in this role is not supported by');
      else out.push({ type: 'image_url', image_url: { url: p.url, ...(p.detail !== undefined ? { detail: p.detail } : {}) } });
    } else gate.refuse(p.wireType, param(i, j), `(a '${p.wireType}' part) is not supported by`);
  });
  return out;
}

/** One text is a string; several stay parts (joining them would glue their words together). */
function textOf(ps: readonly (CohereTextPart | CohereImagePart)[]): string | CohereTextPart[] {
  const texts = ps.filter((p): p is CohereTextPart => p.type === 'text');
  if (texts.length === 1) return texts[0]!.text;
  return texts.length === 0 ? '' : texts;
}

function message(m: ChatMessage, i: number, gate: ParamGate): CohereMessage {
  if ('name' in m && m.name !== undefined) gate.ignore(`messages[${i}].name`);
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(parts(m.content, i, gate, false)) };
    case 'user': {
      const ps = parts(m.content, i, gate, true);
      const only = ps.length === 1 ? ps[0] : undefined;
      return { role: 'user', content: only?.type === 'text' ? only.text : ps };
    }
    case 'assistant': {
      if (m.reasoning !== undefined && m.reasoning.length > 0) gate.ignore(`messages[${i}].reasoning`);
      const text = textOf(parts(m.content, i, gate, false));
      const calls = m.toolCalls ?? [];
      return {
        role: 'assistant',
        ...(text !== '' || calls.length === 0 ? { content: text } : {}),
        ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
      };
    }
    case 'tool':
      if (m.isError === true) gate.ignore(`messages[${i}].is_error`);
      return { role: 'tool', tool_call_id: m.toolCallId, content: textOf(parts(m.content, i, gate, false)) };
  }
}

export function encodeCohereMessages(req: ChatRequest, gate: ParamGate): CohereMessage[] {
  return req.messages.map((m, i) => message(m, i, gate));
}
