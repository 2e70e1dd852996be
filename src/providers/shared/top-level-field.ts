// Finds and replaces the value of one top-level string field in JSON text without re-serialising,
// so a relayed body keeps the client's exact bytes (key order, spacing, number spelling, escapes)
// but for that one value. A scanner, not a regex: a nested `"model": "…"` (tool input, metadata)
// must not be touched, and quotes inside strings are escaped, so depth and string state suffice.

/** The [start, end) span of the top-level `key`'s string value (quotes included), or undefined. */
export function topLevelStringSpan(json: string, key: string): [number, number] | undefined {
  let depth = 0;
  let i = 0;
  const n = json.length;
  // True when the string just read at depth 1 sits in key position (after `{` or `,`).
  let expectKey = false;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < n) {
        const d = json.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      const end = ++i; // past the closing quote
      if (depth === 1 && expectKey) {
        expectKey = false;
        const name = JSON.parse(json.slice(start, end)) as string;
        if (name !== key) continue;
        while (i < n && json.charCodeAt(i) !== 0x3a /* : */) i++;
        i++;
        while (i < n && /\s/.test(json[i]!)) i++;
        if (json.charCodeAt(i) !== 0x22) return undefined; // not a string value
        const vs = i;
        i++;
        while (i < n) {
          const d = json.charCodeAt(i);
          if (d === 0x5c) i += 2;
          else if (d === 0x22) break;
          else i++;
        }
        return [vs, i + 1];
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      expectKey = c === 0x7b && depth === 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
    i++;
  }
  return undefined;
}

/** `json` with the top-level string field `key` set to `value`; added at the front when absent. */
export function withTopLevelString(json: string, key: string, value: string): string {
  const span = topLevelStringSpan(json, key);
  const encoded = JSON.stringify(value);
  if (span) return json.slice(0, span[0]) + encoded + json.slice(span[1]);
  const open = json.indexOf('{');
  const rest = json.slice(open + 1).trimStart();
  return `${json.slice(0, open + 1)}${JSON.stringify(key)}:${encoded}${rest.startsWith('}') ? '' : ','}${json.slice(open + 1)}`;
}
