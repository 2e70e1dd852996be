// A non-streamed Mistral chat completion → canonical ChatResponse (providers.md §8). Content may be
// an array of thinking and text chunks (content.ts). A body that is not a chat completion is a
// protocol error, never an empty success.
import type { ChatChoice, ChatResponse, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UpstreamUnavailableError } from '../../core/errors.js';
import type { TranslationContext } from '../types.js';
import { readContent } from './content.js';
import { finishFromMistral } from './finish-reason.js';
import { usageFromMistral } from './usage.js';
import { type Json, obj, str, argumentsText } from '../shared/json-fields.js';

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Mistral sent ${what}`);
}

function toolCalls(v: unknown): ToolCall[] {
  if (!Array.isArray(v)) return [];
  const out: ToolCall[] = [];
  for (const raw of v) {
    const c = obj(raw);
    const fn = obj(c?.['function']);
    if (c === undefined || fn === undefined) continue;
    out.push({ id: str(c['id']) ?? '', name: str(fn['name']) ?? '', arguments: argumentsText(fn['arguments']) });
  }
  return out;
}

function choice(raw: unknown, i: number): ChatChoice {
  const c = obj(raw) ?? {};
  const m = obj(c['message']) ?? {};
  const { text, thinking } = readContent(m['content']);
  const reasoning: ReasoningBlock[] = thinking.map((t) => ({ type: 'thinking', text: t.text, ...(t.signature !== undefined ? { signature: t.signature } : {}) }));
  const calls = toolCalls(m['tool_calls']);
  const fr = str(c['finish_reason']) ?? null;
  return {
    index: typeof c['index'] === 'number' ? c['index'] : i,
    text: text === '' && (calls.length > 0 || m['content'] === null || m['content'] === undefined) ? null : text,
    toolCalls: calls,
    finishReason: fr === null ? null : finishFromMistral(fr),
    providerFinishReason: fr,
    ...(reasoning.length > 0 ? { reasoning } : {}),
  };
}

export function decodeMistralResponse(body: string, ctx: TranslationContext): ChatResponse {
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(body));
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  if (parsed === undefined || !Array.isArray(parsed['choices'])) throw protocolError('a response that is not a chat completion');
  return {
    id: str(parsed['id']) ?? '',
    model: str(parsed['model']) ?? '',
    // When the gateway received it, as for every translated provider (Mistral's own `created` is
    // by its clock, and absent from some answers).
    created: Math.floor(ctx.now / 1000),
    choices: (parsed['choices'] as unknown[]).map(choice),
    usage: usageFromMistral(parsed['usage']),
  };
}
