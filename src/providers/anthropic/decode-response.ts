// A non-streamed Anthropic Messages response → canonical ChatResponse. Lenient: unknown block types
// (server tools, citations…) are skipped; a body that is not a message is a protocol error, never an
// empty success.
import type { ChatResponse, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UpstreamUnavailableError } from '../../core/errors.js';
import { finishFromAnthropic } from './finish-reason.js';
import { usageFromAnthropic } from './usage.js';
import type { AnthropicResponseBody } from './wire-types.js';

export interface DecodeContext {
  /** ms since the epoch: Anthropic responses carry no timestamp, `created` is when we received it. */
  readonly now: number;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Anthropic sent ${what}`);
}

export function decodeAnthropicResponse(body: string, ctx: DecodeContext): ChatResponse {
  let parsed: AnthropicResponseBody;
  try {
    parsed = JSON.parse(body) as AnthropicResponseBody;
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.type !== 'message' || !Array.isArray(parsed.content)) {
    throw protocolError('a response that is not a message');
  }
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  for (const raw of parsed.content as unknown[]) {
    if (raw === null || typeof raw !== 'object') continue;
    const b = raw as Record<string, unknown>;
    switch (b['type']) {
      case 'text':
        text = (text ?? '') + (str(b['text']) ?? '');
        break;
      case 'tool_use':
        toolCalls.push({ id: str(b['id']) ?? '', name: str(b['name']) ?? '', arguments: JSON.stringify(b['input'] ?? {}) });
        break;
      case 'thinking': {
        const signature = str(b['signature']);
        reasoning.push({ type: 'thinking', text: str(b['thinking']) ?? '', ...(signature !== undefined ? { signature } : {}) });
        break;
      }
      case 'redacted_thinking':
        reasoning.push({ type: 'redacted', data: str(b['data']) ?? '' });
        break;
      default:
        break;
    }
  }
  const stop = str(parsed.stop_reason) ?? null;
  return {
    id: str(parsed.id) ?? '',
    model: str(parsed.model) ?? '',
    created: Math.floor(ctx.now / 1000),
    choices: [
      {
        index: 0,
        text,
        toolCalls,
        finishReason: stop === null ? null : finishFromAnthropic(stop),
        providerFinishReason: stop,
        ...(reasoning.length > 0 ? { reasoning } : {}),
      },
    ],
    usage: usageFromAnthropic(parsed.usage),
  };
}
