// An OpenAI `chat.completion` body → canonical ChatResponse (providers.md §1), for answers that go
// back to a client on another wire. Usage per core/usage.ts (OpenAI's convention is ours). A body
// that is not a chat completion is a protocol error, never an empty success.
import type { ChatChoice, ChatResponse, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UpstreamUnavailableError } from '../../core/errors.js';
import type { TranslationContext } from '../types.js';
import { finishFromOpenAi } from './finish-reason.js';
import { usageFromOpenAi } from './usage.js';
import { type Json, obj, str } from '../shared/json-fields.js';

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `The OpenAI-wire upstream sent ${what}`);
}

/** Message content: a string, or (some compatible servers) an array of text parts. */
function text(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const t = content.map((p) => str(obj(p)?.['text']) ?? '').join('');
    return t === '' ? null : t;
  }
  return null;
}

function toolCalls(v: unknown): ToolCall[] {
  if (!Array.isArray(v)) return [];
  const out: ToolCall[] = [];
  for (const raw of v) {
    const tc = obj(raw);
    const fn = obj(tc?.['function']);
    if (tc === undefined || fn === undefined) continue;
    const args = fn['arguments'];
    out.push({ id: str(tc['id']) ?? '', name: str(fn['name']) ?? '', arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) });
  }
  return out;
}

function choice(raw: unknown, i: number): ChatChoice {
  const c = obj(raw) ?? {};
  const m = obj(c['message']) ?? {};
  const fr = str(c['finish_reason']) ?? null;
  const calls = toolCalls(m['tool_calls']);
  // Legacy function_call (single call, no id).
  const fc = obj(m['function_call']);
  if (fc !== undefined && calls.length === 0) calls.push({ id: `call_${i}`, name: str(fc['name']) ?? '', arguments: str(fc['arguments']) ?? '{}' });
  // Reasoning text some compatible servers return (DeepSeek, vLLM, OpenRouter): kept, unsigned.
  const rt = str(m['reasoning_content']) ?? str(m['reasoning']);
  const reasoning: ReasoningBlock[] = rt !== undefined && rt !== '' ? [{ type: 'thinking', text: rt }] : [];
  const refusal = str(m['refusal']);
  const content = text(m['content']);
  return {
    index: typeof c['index'] === 'number' ? c['index'] : i,
    text: content ?? (refusal !== undefined && refusal !== '' ? refusal : null),
    toolCalls: calls,
    finishReason: fr === null ? null : refusal !== undefined && refusal !== '' && content === null ? 'content_filter' : finishFromOpenAi(fr),
    providerFinishReason: fr,
    ...(reasoning.length > 0 ? { reasoning } : {}),
  };
}

export function decodeOpenAiChatResponse(body: string, ctx: TranslationContext): ChatResponse {
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(body));
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  if (parsed === undefined || !Array.isArray(parsed['choices'])) throw protocolError('a response that is not a chat completion');
  const created = parsed['created'];
  return {
    id: str(parsed['id']) ?? '',
    model: str(parsed['model']) ?? '',
    created: typeof created === 'number' ? created : Math.floor(ctx.now / 1000),
    choices: (parsed['choices'] as unknown[]).map(choice),
    usage: usageFromOpenAi(parsed['usage']),
  };
}
