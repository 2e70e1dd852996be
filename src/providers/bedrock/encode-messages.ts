// Canonical messages → Converse `system` + `messages` (providers.md §6, §15):
// - system and developer messages, wherever they are, become `system` text blocks, in order;
// - Converse demands alternating user/assistant turns, so consecutive turns of one role merge;
//   tool messages become `toolResult` blocks of the user turn that follows the calls (parallel
//   results merged; results first, as Claude requires), `isError` → status "error";
// - assistant tool calls become `toolUse` blocks with the arguments parsed into an object;
// - assistant reasoning (text + signature) goes back as `reasoningContent`, first in the turn
//   (§0.4: dropping it breaks multi-turn tool use with thinking).
import type { ChatMessage, ChatRequest, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import { bedrockToolId, cacheLookup, partBlocks, type CacheLookup } from './encode-content.js';
import type { ContentBlock, ConverseMessage, SystemBlock, ToolResultBlock, ToolResultContent } from './wire-types.js';

export interface EncodedConversation {
  readonly system: SystemBlock[];
  readonly messages: ConverseMessage[];
  /** The conversation holds toolUse/toolResult blocks: Bedrock then requires toolConfig. */
  readonly hasToolBlocks: boolean;
}

function toolInput(call: ToolCall, param: string, target: string): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(call.arguments);
  } catch {
    throw new UnsupportedParameterError(param, target, 'must be a JSON object (tool input) for');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UnsupportedParameterError(param, target, 'must be a JSON object (tool input) for');
  return v as Record<string, unknown>;
}

/** Reasoning goes back only with a signature (Claude verifies it); unsigned reasoning is left out and listed. */
function reasoningBlocks(r: readonly ReasoningBlock[] | undefined, at: number, gate: ParamGate): ContentBlock[] {
  const out: ContentBlock[] = [];
  for (const b of r ?? []) {
    if (b.type === 'redacted') out.push({ reasoningContent: { redactedContent: b.data } });
    else if (b.signature !== undefined && b.signature !== '') out.push({ reasoningContent: { reasoningText: { text: b.text, signature: b.signature } } });
    else gate.ignore(`messages[${at}].reasoning`);
  }
  return out;
}

function assistantBlocks(m: Extract<ChatMessage, { role: 'assistant' }>, at: number, gate: ParamGate, cache: CacheLookup): ContentBlock[] {
  const blocks: ContentBlock[] = [...reasoningBlocks(m.reasoning, at, gate), ...partBlocks(m.content, at, gate, cache, false)];
  m.toolCalls?.forEach((c, k) => {
    const param = `messages[${at}].tool_calls[${k}].function.arguments`;
    blocks.push({ toolUse: { toolUseId: bedrockToolId(c.id), name: c.name, input: toolInput(c, param, gate.target) } });
  });
  return blocks;
}

/**
 * Tool output as text/image blocks. An empty result is sent as an empty list: Bedrock rejects blank
 * text blocks (whether it accepts an empty list is unverified).
 */
function toolResult(m: Extract<ChatMessage, { role: 'tool' }>, at: number, gate: ParamGate): ToolResultBlock {
  const content = partBlocks(m.content, at, gate, () => undefined, true).filter((b): b is ToolResultContent => !('cachePoint' in b));
  return { toolResult: { toolUseId: bedrockToolId(m.toolCallId), content, ...(m.isError === true ? { status: 'error' as const } : {}) } };
}

function leadingResults(blocks: readonly ContentBlock[]): number {
  let n = 0;
  while (n < blocks.length && 'toolResult' in (blocks[n] as ContentBlock)) n++;
  return n;
}

export function encodeConversation(req: ChatRequest, gate: ParamGate): EncodedConversation {
  const cache = cacheLookup(req);
  const system: SystemBlock[] = [];
  const messages: ConverseMessage[] = [];
  let hasToolBlocks = false;
  const turn = (role: 'user' | 'assistant'): ConverseMessage => {
    const last = messages.at(-1);
    if (last !== undefined && last.role === role) return last;
    const m: ConverseMessage = { role, content: [] };
    messages.push(m);
    return m;
  };

  req.messages.forEach((m, i) => {
    if ('name' in m && m.name !== undefined) gate.ignore(`messages[${i}].name`);
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const b of partBlocks(m.content, i, gate, cache, false)) system.push(b as SystemBlock);
        return;
      case 'tool': {
        hasToolBlocks = true;
        const t = turn('user');
        t.content.splice(leadingResults(t.content), 0, toolResult(m, i, gate));
        return;
      }
      case 'user': {
        const blocks = partBlocks(m.content, i, gate, cache, true);
        // A turn with no blocks is left out (Bedrock rejects empty content); its neighbours merge.
        if (blocks.length > 0) turn('user').content.push(...blocks);
        return;
      }
      case 'assistant': {
        if (m.toolCalls !== undefined && m.toolCalls.length > 0) hasToolBlocks = true;
        const blocks = assistantBlocks(m, i, gate, cache);
        if (blocks.length > 0) turn('assistant').content.push(...blocks);
        return;
      }
    }
  });
  return { system, messages, hasToolBlocks };
}
