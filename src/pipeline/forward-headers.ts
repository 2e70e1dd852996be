import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderRuntime } from '../config/runtime.js';

/** Client headers the operator allowed through to this provider (`forward_headers`). Nothing else is sent on. */
export function forwardedHeaders(client: IncomingHttpHeaders, p: ProviderRuntime): Record<string, string> | undefined {
  const { exact, prefixes } = p.forwardHeaders;
  if (exact.size === 0 && prefixes.length === 0) return undefined;
  let out: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined) continue;
    if (exact.has(name) || prefixes.some((pre) => name.startsWith(pre))) {
      (out ??= {})[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}
