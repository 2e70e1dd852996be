// Faults only the Gemini wire has (header only, not fault-rule fields). A malformed value is a 400,
// never ignored:
//   x-mock-gemini-block: SAFETY   — the prompt is blocked: 200 with no candidates and
//                                   promptFeedback.blockReason (a stream sends that one chunk);
//   x-mock-gemini-finish: SAFETY  — the candidate ends with this finishReason instead of STOP/MAX_TOKENS.
import type { IncomingHttpHeaders } from 'node:http';
import { MockFaultError } from '../faults.js';

export const GEMINI_BLOCK_HEADER = 'x-mock-gemini-block';
export const GEMINI_FINISH_HEADER = 'x-mock-gemini-finish';

export const BLOCK_REASONS: ReadonlySet<string> = new Set(['SAFETY', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'IMAGE_SAFETY', 'MODEL_ARMOR', 'JAILBREAK']);
export const FINISH_REASONS: ReadonlySet<string> = new Set([
  'STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'LANGUAGE', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII',
  'MALFORMED_FUNCTION_CALL', 'IMAGE_SAFETY', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'IMAGE_PROHIBITED_CONTENT',
  'NO_IMAGE', 'IMAGE_RECITATION', 'IMAGE_OTHER',
]);

export interface GeminiFaults {
  readonly block?: string;
  readonly finish?: string;
}

function read(headers: IncomingHttpHeaders, name: string, allowed: ReadonlySet<string>): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const v = (Array.isArray(raw) ? raw.join(', ') : raw).trim();
  if (!allowed.has(v)) throw new MockFaultError(name, v, `one of ${[...allowed].join(', ')}`);
  return v;
}

export function geminiFaults(headers: IncomingHttpHeaders): GeminiFaults {
  const block = read(headers, GEMINI_BLOCK_HEADER, BLOCK_REASONS);
  const finish = read(headers, GEMINI_FINISH_HEADER, FINISH_REASONS);
  return { ...(block !== undefined ? { block } : {}), ...(finish !== undefined ? { finish } : {}) };
}
