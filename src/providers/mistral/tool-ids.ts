// Mistral requires tool-call ids of exactly 9 characters [a-zA-Z0-9] (providers.md §0.5, §8) and
// refuses a request whose history holds any other. Ids Mistral produced pass unchanged; others
// (OpenAI's `call_…`, Anthropic's `toolu_…`) are rewritten to a short hash of the id, the same in
// the assistant's tool_calls and the tool messages answering them. The table is built per request
// from the whole conversation, so a rewritten id that would collide with another id of the request
// is rehashed with a counter: deterministic (the same request gives the same ids) and injective.
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../core/chat.js';

const VALID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function isMistralToolId(id: string): boolean {
  return VALID.test(id);
}

function hash9(id: string, salt: number): string {
  const digest = createHash('sha256').update(`${salt}:${id}`, 'utf8').digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += ALPHABET[(digest[i] as number) % ALPHABET.length];
  return out;
}

export class MistralToolIds {
  readonly #map = new Map<string, string>();

  constructor(messages: readonly ChatMessage[]) {
    const ids: string[] = [];
    for (const m of messages) {
      if (m.role === 'assistant') for (const c of m.toolCalls ?? []) ids.push(c.id);
      else if (m.role === 'tool') ids.push(m.toolCallId);
    }
    const used = new Set(ids.filter(isMistralToolId));
    for (const id of ids) {
      if (isMistralToolId(id) || this.#map.has(id)) continue;
      let salt = 0;
      let candidate = hash9(id, salt);
      while (used.has(candidate)) candidate = hash9(id, ++salt);
      used.add(candidate);
      this.#map.set(id, candidate);
    }
  }

  /** The id to send for one the client sent. */
  wire(id: string): string {
    return this.#map.get(id) ?? id;
  }
}
