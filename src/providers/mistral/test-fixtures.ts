// Test helpers for the Mistral adapter: canonical requests as the OpenAI decoder builds them (frozen,
// with the client's body kept in `source`), an endpoint, and Mistral wire samples written from
// providers.md §8 (responses, data-only SSE chunks, error bodies as Mistral sends them).
import type { ChatRequest } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import type { ProviderEndpoint } from '../types.js';

export const ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'mistral-main',
  basePath: '/v1',
  apiKey: 'mistral-test',
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
});

export const MODEL = 'mistral-large-latest';
export const TARGET = `mistral/${MODEL}`;
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

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const USAGE = { prompt_tokens: 20, total_tokens: 29, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 4 } };

/** One data-only chunk with a single choice. */
export function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: 'cmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
}

export const DONE = 'data: [DONE]\n\n';

/** Thinking chunks, then text, then the last chunk with finish_reason and usage (no stream_options). */
export const TEXT_STREAM =
  chunk({ role: 'assistant', content: '' }) +
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Let me think' }] }] }) +
  chunk({ content: 'Hello' }) +
  chunk({ content: ', world' }) +
  chunk({ content: '' }, 'stop', { usage: USAGE }) +
  DONE;

/** Two whole calls in two chunks, both under index 0 (a new id starts a new call). */
export const TOOL_STREAM =
  chunk({ role: 'assistant', content: '' }) +
  chunk({ tool_calls: [{ id: 'D681PevKs', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, index: 0 }] }) +
  chunk({ tool_calls: [{ id: 'x7Kp2QmZa', function: { name: 'get_time', arguments: '{}' }, index: 0 }] }) +
  chunk({ content: '' }, 'tool_calls', { usage: USAGE }) +
  DONE;

/** A non-streamed answer whose content is an ARRAY of a thinking chunk (with a signature) and text. */
export const THINKING_RESPONSE = JSON.stringify({
  id: 'cmpl-2',
  object: 'chat.completion',
  model: MODEL,
  created: 1_700_000_000,
  usage: USAGE,
  choices: [
    {
      index: 0,
      finish_reason: 'stop',
      message: {
        role: 'assistant',
        tool_calls: null,
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: 'Let me think.' }], signature: 'sig-1' },
          { type: 'text', text: 'Paris.' },
        ],
      },
    },
  ],
});

export const TOOL_RESPONSE = JSON.stringify({
  id: 'cmpl-3',
  object: 'chat.completion',
  model: MODEL,
  created: 1_700_000_000,
  usage: { prompt_tokens: 10, total_tokens: 15, completion_tokens: 5 },
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: { role: 'assistant', content: '', tool_calls: [{ id: 'D681PevKs', function: { name: 'get_weather', arguments: { city: 'Paris' } }, index: 0 }] },
    },
  ],
});
