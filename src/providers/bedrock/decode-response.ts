// A Converse response → canonical ChatResponse. Lenient: unknown block types (citations, documents…)
// are skipped; a body that is not a Converse answer is a protocol error, never an empty success.
// Converse responses carry neither an id nor the model (the request id is a header): both stay ''.
import type { ChatResponse, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UpstreamUnavailableError } from '../../core/errors.js';
import type { TranslationContext } from '../types.js';
import { finishFromBedrock } from './finish-reason.js';
import { usageFromBedrock } from './usage.js';
import { type Json, obj, str } from '../shared/json-fields.js';

function protocolError(what: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError('upstream_protocol_error', `Bedrock sent ${what}`);
}

/** A reasoningContent block (or stream delta) → the canonical reasoning block it carries. */
export function reasoningFrom(rc: Json): ReasoningBlock | undefined {
  const redacted = str(rc['redactedContent']);
  if (redacted !== undefined) return { type: 'redacted', data: redacted };
  const rt = obj(rc['reasoningText']);
  if (rt === undefined) return undefined;
  const signature = str(rt['signature']);
  return { type: 'thinking', text: str(rt['text']) ?? '', ...(signature !== undefined ? { signature } : {}) };
}

export function decodeBedrockResponse(body: string, ctx: TranslationContext): ChatResponse {
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(body));
  } catch {
    throw protocolError('a response body that is not JSON');
  }
  const content = obj(obj(parsed?.['output'])?.['message'])?.['content'];
  if (parsed === undefined || !Array.isArray(content)) throw protocolError('a response without output.message.content');
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  for (const raw of content as unknown[]) {
    const b = obj(raw);
    if (b === undefined) continue;
    const t = str(b['text']);
    const toolUse = obj(b['toolUse']);
    const rc = obj(b['reasoningContent']);
    if (t !== undefined) text = (text ?? '') + t;
    else if (toolUse !== undefined) {
      toolCalls.push({ id: str(toolUse['toolUseId']) ?? '', name: str(toolUse['name']) ?? '', arguments: JSON.stringify(toolUse['input'] ?? {}) });
    } else if (rc !== undefined) {
      const r = reasoningFrom(rc);
      if (r !== undefined) reasoning.push(r);
    }
  }
  const stop = str(parsed['stopReason']) ?? null;
  return {
    id: '',
    model: '',
    created: Math.floor(ctx.now / 1000),
    choices: [
      {
        index: 0,
        text,
        toolCalls,
        finishReason: stop === null ? null : finishFromBedrock(stop),
        providerFinishReason: stop,
        ...(reasoning.length > 0 ? { reasoning } : {}),
      },
    ],
    usage: usageFromBedrock(parsed['usage']),
  };
}
