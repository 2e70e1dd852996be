// Test helpers for the Anthropic adapter: canonical requests as the OpenAI decoder builds them
// (frozen, with the client's body kept in `source`), an endpoint, and Anthropic SSE frames.
import type { ChatRequest } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import type { ProviderEndpoint } from '../types.js';

export const ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'anthropic-main',
  basePath: '/v1',
  apiKey: 'sk-ant-test',
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
});

export const MODEL = 'claude-sonnet-4-5';
export const TARGET = `anthropic/${MODEL}`;

/** A frozen canonical request; `source` is the OpenAI body (pass the fields only the body carries). */
export function chatRequest(fields: Partial<Omit<ChatRequest, 'source'>>, sourceBody: Record<string, unknown> = {}): ChatRequest {
  return deepFreeze({
    model: 'my-alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    stream: false,
    streamIncludeUsage: false,
    ...fields,
    source: { wire: 'openai-chat', body: { model: 'my-alias', messages: [], ...sourceBody } },
  });
}

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...(data as object) })}\n\n`;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function messageStart(usage: Record<string, number> = { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }): string {
  return sse('message_start', {
    message: { id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage },
  });
}

export function blockStart(index: number, block: Record<string, unknown>): string {
  return sse('content_block_start', { index, content_block: block });
}

export function blockDelta(index: number, delta: Record<string, unknown>): string {
  return sse('content_block_delta', { index, delta });
}

export function blockStop(index: number): string {
  return sse('content_block_stop', { index });
}

export function messageDelta(stopReason: string, usage: Record<string, unknown>): string {
  return sse('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage });
}

export const MESSAGE_STOP = sse('message_stop', {});
export const PING = sse('ping', {});
