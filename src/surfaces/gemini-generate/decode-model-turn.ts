// One model turn (consecutive `model` contents) → one canonical assistant message.
//
// - text → content, adjacent text joined (the SDK keeps each streamed chunk as its own content);
// - `thought: true` → a reasoning block; a thought part carrying a signature closes the open block,
//   as a stream accumulates them;
// - a `thoughtSignature` on any other part (Gemini signs the first functionCall) → a reasoning block
//   of its own with empty text, so the signature survives the round trip (encode-response.ts puts
//   it back on the call);
// - functionCall → a tool call with `args` as JSON text.
import type { ChatMessage, ContentPart, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { fail, isObject, optBool, optString, requireString, type Json } from '../field-checks.js';
import type { CallIds } from './call-ids.js';
import { kindOf, noData, plainPart } from './decode-parts.js';

export class AssistantTurn {
  readonly #content: ContentPart[] = [];
  readonly #calls: ToolCall[] = [];
  readonly #reasoning: ReasoningBlock[] = [];

  add(part: Json, p: string, ids: CallIds, mintedId: string): void {
    const kind = kindOf(part, p);
    const signature = optString(part, 'thoughtSignature', `${p}.thoughtSignature`);
    if (optBool(part, 'thought', `${p}.thought`) === true && (kind === 'text' || kind === undefined)) {
      const t = part['text'] ?? '';
      if (typeof t !== 'string') fail(`${p}.text`, 'a string', t);
      this.#thought(t, signature);
      return;
    }
    if (signature !== undefined) this.#reasoning.push({ type: 'thinking', text: '', signature });
    switch (kind) {
      case undefined:
        // A part that carries only a signature is valid; one that carries nothing is not.
        if (signature === undefined) noData(p);
        return;
      case 'functionCall':
        this.#calls.push(call(part['functionCall'], `${p}.functionCall`, ids, mintedId));
        return;
      case 'functionResponse':
        throw new InvalidRequestError(`Invalid value for '${p}.functionResponse': function responses belong in user turns`, `${p}.functionResponse`);
      default: {
        const c = plainPart(part, kind, p);
        const last = this.#content.at(-1);
        if (c.type === 'text' && c.text === '') return;
        if (c.type === 'text' && last?.type === 'text') this.#content[this.#content.length - 1] = { type: 'text', text: last.text + c.text };
        else this.#content.push(c);
      }
    }
  }

  #thought(text: string, signature: string | undefined): void {
    const last = this.#reasoning.at(-1);
    const sig = signature !== undefined ? { signature } : {};
    if (last !== undefined && last.type === 'thinking' && last.signature === undefined) {
      this.#reasoning[this.#reasoning.length - 1] = { type: 'thinking', text: last.text + text, ...sig };
    } else this.#reasoning.push({ type: 'thinking', text, ...sig });
  }

  message(): ChatMessage {
    return {
      role: 'assistant',
      content: this.#content,
      ...(this.#calls.length > 0 ? { toolCalls: this.#calls } : {}),
      ...(this.#reasoning.length > 0 ? { reasoning: this.#reasoning } : {}),
    };
  }
}

function call(fc: unknown, p: string, ids: CallIds, mintedId: string): ToolCall {
  if (!isObject(fc)) fail(p, 'an object with name and args', fc);
  const name = requireString(fc, 'name', `${p}.name`);
  const id = optString(fc, 'id', `${p}.id`);
  const args = fc['args'] ?? {};
  if (!isObject(args)) fail(`${p}.args`, 'an object', args);
  return { id: ids.call(id, name, mintedId), name, arguments: JSON.stringify(args) };
}
