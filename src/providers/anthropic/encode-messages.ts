// Canonical messages → Anthropic `system` + `messages` (providers.md §4, §15):
// - system and developer messages, wherever they are, become top-level `system` text blocks, in order;
// - consecutive tool messages become ONE user message of tool_result blocks, and a user message that
//   follows them joins it after the results (tool_result blocks first, as Anthropic requires);
// - assistant tool calls become tool_use blocks with the arguments parsed into an object;
// - images: data: URLs → base64 source, http(s) URLs → url source;
// - assistant reasoning (thinking + signature) is sent back as thinking blocks, first in the turn.
// `cache_control` on an OpenAI content part (the OpenRouter/LiteLLM convention) is kept on the
// block it becomes, so client-placed prompt-cache breakpoints survive translation (C1).
import type { ChatMessage, ChatRequest, ContentPart, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { UnsupportedParameterError } from '../../core/errors.js';
import type { ParamGate } from './param-gate.js';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  CacheControl,
} from './wire-types.js';

const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

export interface EncodedConversation {
  readonly system: AnthropicTextBlock[];
  readonly messages: AnthropicMessage[];
}

/** The breakpoint after part j of message i: canonical, else `cache_control` in the client's own OpenAI body. */
type CacheLookup = (message: number, part: number) => CacheControl | undefined;

function cacheLookup(req: ChatRequest): CacheLookup {
  const canonical = (i: number, j: number): CacheControl | undefined => {
    const p = req.messages[i]?.content[j];
    const b = p !== undefined && p.type !== 'opaque' ? p.cache : undefined;
    if (b === undefined) return undefined;
    return b.ttl !== undefined ? { type: 'ephemeral', ttl: b.ttl } : { type: 'ephemeral' };
  };
  if (req.source.wire !== 'openai-chat') return canonical;
  const msgs = req.source.body['messages'];
  if (!Array.isArray(msgs)) return canonical;
  return (i, j) => {
    const own = canonical(i, j);
    if (own !== undefined) return own;
    const m: unknown = msgs[i];
    const content = m !== null && typeof m === 'object' ? (m as Record<string, unknown>)['content'] : undefined;
    if (!Array.isArray(content)) return undefined;
    const part: unknown = content[j];
    const cc = part !== null && typeof part === 'object' ? (part as Record<string, unknown>)['cache_control'] : undefined;
    if (cc === null || typeof cc !== 'object') return undefined;
    const { type, ttl } = cc as Record<string, unknown>;
    if (type !== 'ephemeral') return undefined;
    return ttl === '5m' || ttl === '1h' ? { type, ttl } : { type };
  };
}

/**
 * Anthropic tool ids must match ^[a-zA-Z0-9_-]+$. Valid ids pass unchanged; others are rewritten
 * deterministically and injectively (base64url of the UTF-8 id), so a tool_use and its tool_result
 * still agree and two different ids never collide.
 */
export function anthropicToolId(id: string): string {
  return TOOL_ID.test(id) ? id : `tg_${Buffer.from(id, 'utf8').toString('base64url')}`;
}

export function imageSource(url: string, param: string, gate: ParamGate): AnthropicImageSource | undefined {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = comma === -1 ? '' : url.slice(5, comma);
    const [mediaType = '', ...flags] = meta.split(';');
    if (!flags.includes('base64')) {
      gate.refuse('image_url', param, 'as a data: URL that is not base64 is not supported by');
      return undefined;
    }
    if (!IMAGE_MEDIA_TYPES.has(mediaType.toLowerCase())) {
      gate.refuse('image_url', param, `with media type '${mediaType}' (only jpeg, png, gif, webp) is not supported by`);
      return undefined;
    }
    return { type: 'base64', media_type: mediaType.toLowerCase(), data: url.slice(comma + 1) };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'url', url };
  gate.refuse('image_url', param, 'with a URL that is neither https nor a data: URL is not supported by');
  return undefined;
}

function withCache<T extends AnthropicTextBlock | AnthropicImageBlock>(block: T, cc: CacheControl | undefined): T {
  return cc === undefined ? block : { ...block, cache_control: cc };
}

/** Text and image parts → blocks; anything else is refused (or dropped) with its exact position. */
function partBlocks(
  parts: readonly ContentPart[],
  at: number,
  gate: ParamGate,
  cache: CacheLookup,
  allowImages: boolean,
): (AnthropicTextBlock | AnthropicImageBlock)[] {
  const out: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  parts.forEach((p, j) => {
    const param = `messages[${at}].content[${j}]`;
    if (p.type === 'text') {
      // Anthropic rejects empty text blocks; an empty string carries nothing.
      if (p.text !== '') out.push(withCache({ type: 'text', text: p.text }, cache(at, j)));
    } else if (p.type === 'image') {
      if (!allowImages) {
        gate.refuse('image_url', param, 'an image in this role is not supported by');
        return;
      }
      if (p.detail === 'low' || p.detail === 'high') gate.ignore(`${param}.image_url.detail`);
      const source = imageSource(p.url, param, gate);
      if (source) out.push(withCache({ type: 'image', source }, cache(at, j)));
    } else {
      gate.refuse(p.wireType, param, `(a '${p.wireType}' part) is not supported by`);
    }
  });
  return out;
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

/**
 * Thinking goes back only with Anthropic's signature (it verifies it); reasoning without one (another
 * provider's) cannot be sent as thinking, and is left out and listed.
 */
function reasoningBlocks(r: readonly ReasoningBlock[] | undefined, at: number, gate: ParamGate): AnthropicContentBlock[] {
  const out: AnthropicContentBlock[] = [];
  for (const b of r ?? []) {
    if (b.type === 'redacted') out.push({ type: 'redacted_thinking', data: b.data });
    else if (b.signature !== undefined && b.signature !== '') out.push({ type: 'thinking', thinking: b.text, signature: b.signature });
    else gate.ignore(`messages[${at}].reasoning`);
  }
  return out;
}

function assistantBlocks(m: Extract<ChatMessage, { role: 'assistant' }>, at: number, gate: ParamGate, cache: CacheLookup): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [...reasoningBlocks(m.reasoning, at, gate), ...partBlocks(m.content, at, gate, cache, false)];
  m.toolCalls?.forEach((c, k) => {
    const param = `messages[${at}].tool_calls[${k}].function.arguments`;
    blocks.push({ type: 'tool_use', id: anthropicToolId(c.id), name: c.name, input: toolInput(c, param, gate.target) });
  });
  return blocks;
}

function toolResult(m: Extract<ChatMessage, { role: 'tool' }>, at: number, gate: ParamGate, cache: CacheLookup): AnthropicToolResultBlock {
  const blocks = partBlocks(m.content, at, gate, cache, true);
  // One plain text part travels as a string (what Anthropic's own clients send); anything else as blocks.
  const only = blocks.length === 1 ? blocks[0] : undefined;
  const content = blocks.length === 0 ? '' : only?.type === 'text' && only.cache_control === undefined ? only.text : blocks;
  const id = anthropicToolId(m.toolCallId);
  return content.length === 0 ? { type: 'tool_result', tool_use_id: id } : { type: 'tool_result', tool_use_id: id, content };
}

function leadingResults(blocks: readonly AnthropicContentBlock[]): number {
  let n = 0;
  while (n < blocks.length && blocks[n]?.type === 'tool_result') n++;
  return n;
}

export function encodeConversation(req: ChatRequest, gate: ParamGate): EncodedConversation {
  const cache = cacheLookup(req);
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  // The user message that holds tool results; later results and the next user turn join it.
  let resultsMessage: AnthropicMessage | undefined;

  req.messages.forEach((m, i) => {
    if ('name' in m && m.name !== undefined) gate.ignore(`messages[${i}].name`);
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const b of partBlocks(m.content, i, gate, cache, false)) system.push(b as AnthropicTextBlock);
        return;
      case 'tool': {
        const block = toolResult(m, i, gate, cache);
        if (resultsMessage === undefined) {
          resultsMessage = { role: 'user', content: [] };
          messages.push(resultsMessage);
        }
        resultsMessage.content.splice(leadingResults(resultsMessage.content), 0, block);
        return;
      }
      case 'user': {
        const blocks = partBlocks(m.content, i, gate, cache, true);
        if (resultsMessage !== undefined) resultsMessage.content.push(...blocks);
        else messages.push({ role: 'user', content: blocks });
        return;
      }
      case 'assistant':
        resultsMessage = undefined;
        messages.push({ role: 'assistant', content: assistantBlocks(m, i, gate, cache) });
        return;
    }
  });
  return { system, messages };
}
