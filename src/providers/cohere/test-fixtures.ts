// Test helpers for the Cohere adapter: canonical requests as the OpenAI decoder builds them (frozen,
// with the client's body kept in `source`), an endpoint, and Cohere wire samples written from
// providers.md §9 (responses and SSE frames as Cohere sends them).
import type { ChatRequest } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import type { ProviderEndpoint } from '../types.js';

export const ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'cohere-main',
  basePath: '/v2',
  apiKey: 'co-test',
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
});

export const MODEL = 'command-a-03-2025';
export const TARGET = `cohere/${MODEL}`;
export const NOW = 1_760_000_000_000;

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

/** One Cohere SSE frame: `event: <type>` and the data repeating the type. */
export function frame(type: string, data: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const USAGE = { billed_units: { input_tokens: 12, output_tokens: 3 }, tokens: { input_tokens: 20, output_tokens: 3 }, cached_tokens: 4 };

export const MESSAGE_START = frame('message-start', {
  id: 'resp-1',
  delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
});

export function contentStart(index: number, type: 'text' | 'thinking'): string {
  return frame('content-start', { index, delta: { message: { content: type === 'text' ? { type, text: '' } : { type, thinking: '' } } } });
}

export function textDelta(index: number, text: string): string {
  return frame('content-delta', { index, delta: { message: { content: { text } } } });
}

export function thinkingDelta(index: number, thinking: string): string {
  return frame('content-delta', { index, delta: { message: { content: { thinking } } } });
}

export function toolStart(index: number, id: string, name: string): string {
  return frame('tool-call-start', { index, delta: { message: { tool_calls: { id, type: 'function', function: { name, arguments: '' } } } } });
}

export function toolDelta(index: number, args: string): string {
  return frame('tool-call-delta', { index, delta: { message: { tool_calls: { function: { arguments: args } } } } });
}

export function messageEnd(finishReason: string, usage: unknown = USAGE): string {
  return frame('message-end', { delta: { finish_reason: finishReason, usage } });
}

export const DONE = 'data: [DONE]\n\n';

/** A whole text answer, as Cohere streams it. */
export const TEXT_STREAM =
  MESSAGE_START + contentStart(0, 'text') + textDelta(0, 'Hello') + textDelta(0, ', world') + frame('content-end', { index: 0 }) + messageEnd('COMPLETE') + DONE;

/** A thinking item at Cohere's index 0, a tool plan, and two calls at Cohere's indices 1 and 2. */
export const TOOL_STREAM =
  MESSAGE_START +
  contentStart(0, 'thinking') +
  thinkingDelta(0, 'Two lookups.') +
  frame('content-end', { index: 0 }) +
  frame('tool-plan-delta', { delta: { message: { tool_plan: "I'll check two things." } } }) +
  toolStart(1, 'get_weather_a1', 'get_weather') +
  toolDelta(1, '{"city":') +
  toolDelta(1, '"Paris"}') +
  frame('tool-call-end', { index: 1 }) +
  toolStart(2, 'get_time_b2', 'get_time') +
  frame('tool-call-end', { index: 2 }) +
  frame('citation-start', { index: 0, delta: { message: { citations: {} } } }) +
  messageEnd('TOOL_CALL') +
  DONE;

/** A non-streamed answer with text (providers.md §9). */
export const TEXT_RESPONSE = JSON.stringify({
  id: 'resp-1',
  finish_reason: 'COMPLETE',
  message: { role: 'assistant', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: ', world' }], citations: [] },
  usage: USAGE,
});

/** A non-streamed answer with a thinking item, a tool plan and two tool calls. */
export const TOOL_RESPONSE = JSON.stringify({
  id: 'resp-2',
  finish_reason: 'TOOL_CALL',
  message: {
    role: 'assistant',
    content: [{ type: 'thinking', thinking: 'Two lookups.' }],
    tool_plan: "I'll check two things.",
    tool_calls: [
      { id: 'get_weather_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'get_time_b2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ],
  },
  usage: USAGE,
});
