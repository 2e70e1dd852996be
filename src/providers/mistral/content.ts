// Mistral message content, in answers and stream deltas: a string, or an ARRAY of chunks —
// `text`, and `thinking` (itself a list of text chunks, with an optional `signature`) from reasoning
// models (providers.md §8). Flattened into answer text and reasoning; other chunk types (references)
// carry no answer text and are skipped.
import { obj } from '../shared/json-fields.js';

export interface ContentPieces {
  readonly text: string;
  /** One entry per thinking chunk, in order. */
  readonly thinking: readonly { readonly text: string; readonly signature?: string }[];
}

function thinkingText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return '';
  return v.map((c) => (obj(c)?.['type'] === 'text' && typeof obj(c)?.['text'] === 'string' ? (obj(c)?.['text'] as string) : '')).join('');
}

export function readContent(content: unknown): ContentPieces {
  if (typeof content === 'string') return { text: content, thinking: [] };
  if (!Array.isArray(content)) return { text: '', thinking: [] };
  let text = '';
  const thinking: { text: string; signature?: string }[] = [];
  for (const raw of content) {
    const c = obj(raw);
    if (c?.['type'] === 'text' && typeof c['text'] === 'string') text += c['text'];
    else if (c?.['type'] === 'thinking') {
      const sig = c['signature'];
      thinking.push({ text: thinkingText(c['thinking']), ...(typeof sig === 'string' && sig !== '' ? { signature: sig } : {}) });
    }
  }
  return { text, thinking };
}
