// Test helpers for the Gemini adapters: canonical requests as a surface decoder builds them (frozen,
// the client's body in `source`), endpoints, and Gemini wire samples written from providers.md §5.
import type { ChatRequest, Wire } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import type { ProviderEndpoint } from '../types.js';

export const MODEL = 'gemini-2.5-flash';
export const NOW = 1_760_000_000_000;

export const ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'gemini-main',
  basePath: '/v1beta',
  apiKey: 'AIza-test',
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
});

export const VERTEX_ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'vertex-main',
  basePath: '/v1',
  apiKey: 'ya29.token',
  apiVersion: undefined,
  organization: undefined,
  project: 'my-project',
  region: 'europe-west4',
  headers: {},
});

/** A frozen canonical request; `sourceBody` is the client's body (fields only the body carries). */
export function chatRequest(fields: Partial<Omit<ChatRequest, 'source'>>, sourceBody: Record<string, unknown> = {}, wire: Wire = 'openai-chat'): ChatRequest {
  return deepFreeze({
    model: 'my-alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    stream: false,
    streamIncludeUsage: false,
    ...fields,
    source: { wire, body: { model: 'my-alias', messages: [], ...sourceBody } },
  });
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One `data:` event of an alt=sse stream. */
export function sse(chunk: unknown, eol = '\n'): string {
  return `data: ${JSON.stringify(chunk)}${eol}${eol}`;
}

export const USAGE = { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 };

/** A plain answer (providers.md §5 response shape). */
export const TEXT_RESPONSE = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }, { text: ' world' }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: USAGE,
  modelVersion: 'gemini-2.5-flash-001',
  responseId: 'resp123',
};

/** A thought summary, then two parallel calls (the first signed, the second without an id), ending with STOP. */
export const TOOL_RESPONSE = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          { text: 'Weighing the tools.', thought: true },
          { functionCall: { id: 'fc_a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLWE=' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 30, cachedContentTokenCount: 8, candidatesTokenCount: 20, thoughtsTokenCount: 7, toolUsePromptTokenCount: 5, totalTokenCount: 62 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp456',
};

/** A prompt Gemini refused: no candidates, only the block reason. */
export const BLOCKED_RESPONSE = {
  promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
  usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp789',
};

/** A streamed answer: two text chunks, then the finishing chunk with the final usage. */
export const TEXT_STREAM =
  sse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] }, index: 0 }], usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 }, modelVersion: MODEL, responseId: 'r1' }) +
  sse({ candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, index: 0 }], usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 }, modelVersion: MODEL, responseId: 'r1' }) +
  sse({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: USAGE, modelVersion: MODEL, responseId: 'r1' });

/** Gemini's error body (providers.md §5, §13). */
export function googleError(code: number, status: string, message: string, details?: unknown[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } });
}
