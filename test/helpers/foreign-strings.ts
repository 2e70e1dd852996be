// "Nothing the client did not send" (FAILURE-MODES R3/R4): every string in a body that reached a
// fallback must be the client's own text (or a piece of it, as a data URL's base64 is), or a word of
// the target wire's own vocabulary. An injected "You are a helpful assistant" fails this at once.

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** Strings of `upstream` that are neither part of a client string nor in `vocabulary`. */
export function foreignStrings(upstream: unknown, client: unknown, vocabulary: Iterable<string>): string[] {
  const sent = strings(client);
  const allowed = new Set(vocabulary);
  return strings(upstream).filter((s) => s !== '' && !allowed.has(s) && !sent.some((c) => c.includes(s)));
}

/** Structural words of the wires the tests reach (roles, part types, media types). */
export const WIRE_VOCABULARY: readonly string[] = [
  'system', 'user', 'assistant', 'model', 'tool', 'text', 'image', 'image_url', 'base64', 'url',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'auto', 'low', 'high',
];
