// Gemini clients send their key as `x-goog-api-key` (the SDKs) or as `?key=` in the URL (curl
// examples, older clients); never as a Bearer token. The header wins when both are present.
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function geminiClientKey(headers: HeaderBag, rawUrl: string): string | undefined {
  const h = headers['x-goog-api-key'];
  const fromHeader = Array.isArray(h) ? h[0] : h;
  if (typeof fromHeader === 'string' && fromHeader !== '') return fromHeader;
  const q = rawUrl.indexOf('?');
  if (q === -1) return undefined;
  const key = new URLSearchParams(rawUrl.slice(q + 1)).get('key');
  return key === null || key === '' ? undefined : key;
}
