// Canonical reasoning blocks ↔ Responses `reasoning` items. What a provider needs back on the next
// turn (Anthropic's thinking signature, Gemini's thought signature, a redacted block's data) travels
// in the item's `encrypted_content`, the field Responses clients already send back untouched when
// they append `response.output` to their next `input` (providers.md §0.4). The gateway tags what it
// wrote, so a foreign value (OpenAI's own encrypted reasoning, readable only by OpenAI) is never
// mistaken for a signature another provider would reject.
import type { ReasoningBlock } from '../../core/chat.js';

const SIGNATURE = 'tollgate.v1.signature:';
const REDACTED = 'tollgate.v1.redacted:';

/** The `encrypted_content` that carries a block's signature or redacted data (undefined if none). */
export function encryptedContent(b: ReasoningBlock): string | undefined {
  if (b.type === 'redacted') return REDACTED + b.data;
  return b.signature !== undefined ? SIGNATURE + b.signature : undefined;
}

/** A reasoning block's visible text (summary), '' for redacted blocks. */
export function reasoningText(b: ReasoningBlock): string {
  return b.type === 'thinking' ? b.text : '';
}

/** The `reasoning` output item for one block. */
export function reasoningItem(id: string, b: ReasoningBlock, status: 'in_progress' | 'completed' | 'incomplete' = 'completed'): Record<string, unknown> {
  const text = reasoningText(b);
  const enc = encryptedContent(b);
  return {
    type: 'reasoning',
    id,
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(enc !== undefined ? { encrypted_content: enc } : {}),
    status,
  };
}

export type ReadReasoning =
  | { readonly kind: 'block'; readonly block: ReasoningBlock; readonly foreign: boolean }
  /** Nothing the canonical model can carry: no text and no encrypted content of ours. */
  | { readonly kind: 'empty'; readonly foreign: boolean };

/**
 * A client's reasoning item → the canonical block it describes. `text` is the item's reasoning text
 * (its `content`, else its summary). `foreign` says an encrypted_content was present but not ours:
 * it is left out (another service's ciphertext), the text is kept unsigned.
 */
export function readReasoning(text: string, encrypted: string | undefined): ReadReasoning {
  if (encrypted !== undefined && encrypted.startsWith(REDACTED)) {
    return { kind: 'block', block: { type: 'redacted', data: encrypted.slice(REDACTED.length) }, foreign: false };
  }
  const ours = encrypted !== undefined && encrypted.startsWith(SIGNATURE);
  const foreign = encrypted !== undefined && encrypted !== '' && !ours;
  if (ours) return { kind: 'block', block: { type: 'thinking', text, signature: encrypted.slice(SIGNATURE.length) }, foreign };
  if (text === '') return { kind: 'empty', foreign };
  return { kind: 'block', block: { type: 'thinking', text }, foreign };
}
