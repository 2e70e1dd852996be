// Canonical content parts → Converse content blocks (providers.md §6, §14):
// - text parts become `text` blocks (Bedrock rejects blank text, so empty strings are left out);
// - images become `image{format, source.bytes}` from base64 data: URLs only — Bedrock fetches no
//   URLs, so the gateway inlines https images before encoding and one that still arrives is refused;
// - a cache breakpoint on a part (Anthropic's `cache_control`, kept canonical by its surface, or
//   `cache_control` on an OpenAI content part, the OpenRouter/LiteLLM convention) becomes a
//   `cachePoint` block right after the block it marks, so client breakpoints survive (C1).
import { createHash } from 'node:crypto';
import type { CacheBreakpoint, ChatRequest, ContentPart } from '../../core/chat.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import type { CachePoint, ImageBlock, ImageFormat, TextBlock } from './wire-types.js';

const FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const TOOL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Bedrock tool ids match ^[a-zA-Z0-9_-]{1,64}$. Valid ids pass unchanged; others are rewritten
 * deterministically (a hash), so a toolUse and its toolResult still agree.
 */
export function bedrockToolId(id: string): string {
  return TOOL_ID.test(id) ? id : `tg_${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40)}`;
}

/** The breakpoint after part j of message i: canonical, else `cache_control` in the client's own OpenAI body. */
export type CacheLookup = (message: number, part: number) => CachePoint | undefined;

export function cachePointOf(b: CacheBreakpoint | undefined): CachePoint | undefined {
  if (b === undefined) return undefined;
  return b.ttl !== undefined ? { type: 'default', ttl: b.ttl } : { type: 'default' };
}

export function cacheLookup(req: ChatRequest): CacheLookup {
  const canonical = (i: number, j: number): CachePoint | undefined => {
    const p = req.messages[i]?.content[j];
    return p !== undefined && p.type !== 'opaque' ? cachePointOf(p.cache) : undefined;
  };
  const msgs = req.source.wire === 'openai-chat' ? req.source.body['messages'] : undefined;
  if (!Array.isArray(msgs)) return canonical;
  return (i, j) => {
    const own = canonical(i, j);
    if (own !== undefined) return own;
    const m: unknown = msgs[i];
    const content = m !== null && typeof m === 'object' ? (m as Record<string, unknown>)['content'] : undefined;
    const part: unknown = Array.isArray(content) ? content[j] : undefined;
    const cc = part !== null && typeof part === 'object' ? (part as Record<string, unknown>)['cache_control'] : undefined;
    if (cc === null || typeof cc !== 'object' || (cc as Record<string, unknown>)['type'] !== 'ephemeral') return undefined;
    const ttl = (cc as Record<string, unknown>)['ttl'];
    return ttl === '5m' || ttl === '1h' ? { type: 'default', ttl } : { type: 'default' };
  };
}

export function imageBlock(url: string, param: string, gate: ParamGate): ImageBlock | undefined {
  if (!url.startsWith('data:')) {
    const why = /^https?:\/\//i.test(url)
      ? 'as a URL is not supported by (Bedrock takes image bytes; the gateway inlines URLs before encoding)'
      : 'with a URL that is not a data: URL is not supported by';
    gate.refuse('image_url', param, why);
    return undefined;
  }
  const comma = url.indexOf(',');
  const [mediaType = '', ...flags] = (comma === -1 ? '' : url.slice(5, comma)).split(';');
  if (!flags.includes('base64')) {
    gate.refuse('image_url', param, 'as a data: URL that is not base64 is not supported by');
    return undefined;
  }
  const format = FORMATS[mediaType.toLowerCase()];
  if (format === undefined) {
    gate.refuse('image_url', param, `with media type '${mediaType}' (only png, jpeg, gif, webp) is not supported by`);
    return undefined;
  }
  return { image: { format, source: { bytes: url.slice(comma + 1) } } };
}

/**
 * Text and (when allowed) image parts → blocks; anything else is refused (or dropped) with its exact
 * position, `messages[i].content[j]`.
 */
export function partBlocks(
  parts: readonly ContentPart[],
  at: number,
  gate: ParamGate,
  cache: CacheLookup,
  allowImages: boolean,
): (TextBlock | ImageBlock | { readonly cachePoint: CachePoint })[] {
  const out: (TextBlock | ImageBlock | { readonly cachePoint: CachePoint })[] = [];
  parts.forEach((p, j) => {
    const param = `messages[${at}].content[${j}]`;
    let block: TextBlock | ImageBlock | undefined;
    if (p.type === 'text') {
      if (p.text !== '') block = { text: p.text };
    } else if (p.type === 'image') {
      if (!allowImages) gate.refuse('image_url', param, 'an image in this role is not supported by');
      else {
        if (p.detail === 'low' || p.detail === 'high') gate.ignore(`${param}.image_url.detail`);
        block = imageBlock(p.url, param, gate);
      }
    } else {
      gate.refuse(p.wireType, param, `(a '${p.wireType}' part) is not supported by`);
    }
    if (block === undefined) return;
    out.push(block);
    const cp = cache(at, j);
    if (cp !== undefined) out.push({ cachePoint: cp });
  });
  return out;
}
