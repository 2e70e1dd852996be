// A non-streamed Cohere v2 Chat response → canonical ChatResponse (providers.md §9). Lenient: unknown
// content items and fields (citations…) are skipped; a body that is not a chat response is a
// protocol error, never an empty success.
//
// Reasoning: `thinking` content items, and the `tool_plan` the model states before calling tools,
// are both kept as (unsigned) reasoning — the plan is the model explaining its next step, not
// answer text. Neither is sent back on the next turn (Cohere does not need them).
import type { ChatResponse, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UpstreamUnavailableError } from '../../core/errors.js';
import type { TranslationContext } from '../types.js';
import { finishFromCohere } from './finish-reason.js';
import { usageFromCohere } from './usage.js';
import { type Json, obj, str, argumentsText } from '../shared/json-fields.js';

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Cohere sent ${what}`);
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

export function decodeCohereResponse(body: string, ctx: TranslationContext): ChatResponse {
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(body));
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  const message = obj(parsed?.['message']);
  if (parsed === undefined || message === undefined) throw protocolError('a response that is not a chat message');
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  const content = message['content'];
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    for (const raw of content) {
      const item = obj(raw);
      if (item?.['type'] === 'text') text = (text ?? '') + (str(item['text']) ?? '');
      else if (item?.['type'] === 'thinking') reasoning.push({ type: 'thinking', text: str(item['thinking']) ?? '' });
    }
  }
  const plan = str(message['tool_plan']);
  if (plan !== undefined && plan !== '') reasoning.push({ type: 'thinking', text: plan });
  const fr = str(parsed['finish_reason']) ?? null;
  return {
    id: str(parsed['id']) ?? '',
    // Cohere's answer names no model; the surfaces show the client's.
    model: '',
    created: Math.floor(ctx.now / 1000),
    choices: [
      {
        index: 0,
        text,
        toolCalls: toolCalls(message['tool_calls']),
        finishReason: fr === null ? null : finishFromCohere(fr),
        providerFinishReason: fr,
        ...(reasoning.length > 0 ? { reasoning } : {}),
      },
    ],
    usage: usageFromCohere(parsed['usage']),
  };
}
