// Canonical requests for the conformance suites, built together with the OpenAI body a client would
// have sent (kept in `source`, as the OpenAI decoder does), so same-wire adapters that relay the
// client's body and translating adapters see the same conversation.
import type { ChatMessage, ChatRequest, ToolChoice, ToolDefinition } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';

export type SimpleMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly toolCalls?: readonly { id: string; name: string; arguments: string }[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export interface SimpleChat {
  readonly messages: readonly SimpleMessage[];
  readonly tools?: readonly string[];
  readonly toolChoice?: ToolChoice;
  readonly stream?: boolean;
  readonly includeUsage?: boolean;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly temperature?: number;
}

const PARAMETERS = { type: 'object', properties: { input: { type: 'string' }, n: { type: 'integer' } } };

function canonicalMessage(m: SimpleMessage): ChatMessage {
  const content = (t: string | null) => (t === null || t === '' ? [] : [{ type: 'text' as const, text: t }]);
  switch (m.role) {
    case 'tool':
      return { role: 'tool', toolCallId: m.toolCallId, content: content(m.content) };
    case 'assistant':
      return { role: 'assistant', content: content(m.content), ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}) };
    default:
      return { role: m.role, content: content(m.content) };
  }
}

function openAiMessage(m: SimpleMessage): Record<string, unknown> {
  switch (m.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
      };
    default:
      return { role: m.role, content: m.content };
  }
}

export function canonicalChat(model: string, c: SimpleChat): ChatRequest {
  const tools: ToolDefinition[] | undefined = c.tools?.map((name) => ({ name, parameters: PARAMETERS }));
  const body: Record<string, unknown> = { model, messages: c.messages.map(openAiMessage) };
  if (tools) body['tools'] = tools.map((t) => ({ type: 'function', function: { name: t.name, parameters: t.parameters } }));
  if (c.toolChoice !== undefined) body['tool_choice'] = typeof c.toolChoice === 'string' ? c.toolChoice : { type: 'function', function: { name: c.toolChoice.name } };
  if (c.stream) body['stream'] = true;
  if (c.includeUsage) body['stream_options'] = { include_usage: true };
  if (c.maxTokens !== undefined) body['max_completion_tokens'] = c.maxTokens;
  if (c.stop) body['stop'] = c.stop;
  if (c.temperature !== undefined) body['temperature'] = c.temperature;
  return deepFreeze({
    model,
    messages: c.messages.map(canonicalMessage),
    stream: c.stream ?? false,
    streamIncludeUsage: (c.stream ?? false) && (c.includeUsage ?? false),
    ...(tools ? { tools } : {}),
    ...(c.toolChoice !== undefined ? { toolChoice: c.toolChoice } : {}),
    ...(c.maxTokens !== undefined ? { maxOutputTokens: c.maxTokens } : {}),
    ...(c.stop ? { stop: c.stop } : {}),
    ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
    source: { wire: 'openai-chat', body },
  });
}
