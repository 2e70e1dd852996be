// Anthropic Messages request body (providers.md §4) → canonical, frozen ChatRequest. Checks what the
// gateway and every provider rely on and names the exact parameter path when something is wrong;
// the whole body is kept in `source` for same-wire relays to Anthropic deployments.
//
// - top-level `system` (string or text blocks) → system message(s), first;
// - a user turn's `tool_result` blocks → canonical tool messages, in block order; the turn's other
//   blocks (text, image, document…) → user messages between them, in order;
// - an assistant turn → one assistant message: thinking blocks → `reasoning`, text → content,
//   tool_use → toolCalls with the input JSON-stringified;
// - images: base64 source → data: URL, url source → the URL; anything the canonical model does not
//   describe (document, file sources, server tool blocks) → an opaque part, refused on other wires;
// - `cache_control` on system, text and image blocks and on tools → the canonical `cache`
//   breakpoint, so wires with explicit caching (Bedrock) keep the client's breakpoints (C1).
import type { CacheBreakpoint, ChatMessage, ChatRequest, ContentPart, ReasoningBlock, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { fail, isObject, optBool, optInt, optNumber, optString, requireString, type Json } from '../field-checks.js';

const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

/** What the surface keeps of the HTTP request beside the parsed body, for same-wire relays. */
export interface MessagesTransport {
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function decodeMessagesRequest(body: unknown, transport: MessagesTransport = {}): ChatRequest {
  if (!isObject(body)) fail('body', 'a JSON object', body);
  const model = requireString(body, 'model');
  if (body['max_tokens'] === undefined || body['max_tokens'] === null) {
    throw new InvalidRequestError("Missing required parameter: 'max_tokens'", 'max_tokens', 'missing_parameter');
  }
  const maxTokens = optInt(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER) as number;
  const rawMessages = body['messages'];
  if (rawMessages === undefined || rawMessages === null) throw new InvalidRequestError("Missing required parameter: 'messages'", 'messages', 'missing_parameter');
  if (!Array.isArray(rawMessages)) fail('messages', 'an array', rawMessages);
  if (rawMessages.length === 0) throw new InvalidRequestError("'messages' must contain at least one message", 'messages');

  const messages: ChatMessage[] = [...decodeSystem(body['system'])];
  rawMessages.forEach((m, i) => messages.push(...decodeMessage(m, `messages[${i}]`)));

  const { tools, opaqueTools } = decodeTools(body['tools']);
  const choice = decodeToolChoice(body['tool_choice']);
  const reasoning = decodeReasoning(body);
  const metadata = body['metadata'];
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) fail('metadata', 'an object', metadata);
  const user = isObject(metadata) ? optString(metadata, 'user_id', 'metadata.user_id') : undefined;
  const stream = optBool(body, 'stream') ?? false;

  const req: ChatRequest = {
    model,
    messages,
    stream,
    // Anthropic streams always carry usage (message_start and message_delta).
    streamIncludeUsage: stream,
    ...(tools !== undefined ? { tools } : {}),
    ...(opaqueTools.length > 0 ? { opaqueTools } : {}),
    ...(choice.toolChoice !== undefined ? { toolChoice: choice.toolChoice } : {}),
    ...(choice.parallelToolCalls !== undefined ? { parallelToolCalls: choice.parallelToolCalls } : {}),
    ...optional('responseFormat', decodeOutputFormat(body['output_config'])),
    ...optional('stop', decodeStopSequences(body['stop_sequences'])),
    ...optional('temperature', optNumber(body, 'temperature', 0, 1)),
    ...optional('topP', optNumber(body, 'top_p', 0, 1)),
    ...optional('topK', optInt(body, 'top_k', 0, Number.MAX_SAFE_INTEGER)),
    maxOutputTokens: maxTokens,
    ...optional('reasoningEffort', reasoning.effort),
    ...optional('reasoningBudgetTokens', reasoning.budget),
    ...optional('user', user),
    source: { wire: 'anthropic-messages', body, ...transport },
  };
  return deepFreeze(req);
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function decodeSystem(v: unknown): ChatMessage[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v === '' ? [] : [{ role: 'system', content: [{ type: 'text', text: v }] }];
  if (!Array.isArray(v)) fail('system', 'a string or an array of text blocks', v);
  const content: ContentPart[] = v.map((b, i) => {
    const p = `system[${i}]`;
    if (!isObject(b)) fail(p, 'a text block', b);
    if (b['type'] !== 'text') throw new InvalidRequestError(`Invalid value for '${p}.type': system blocks must be text, got ${JSON.stringify(b['type']) ?? 'nothing'}`, `${p}.type`);
    return { type: 'text', text: requireText(b, p), ...cacheOf(b, p) };
  });
  return content.length === 0 ? [] : [{ role: 'system', content }];
}

function decodeMessage(m: unknown, path: string): ChatMessage[] {
  if (!isObject(m)) fail(path, 'a message object', m);
  const role = m['role'];
  if (role !== 'user' && role !== 'assistant') {
    throw new InvalidRequestError(`Invalid value for '${path}.role': expected user or assistant; got ${JSON.stringify(role) ?? 'nothing'}`, `${path}.role`);
  }
  const c = m['content'];
  if (c === undefined || c === null) throw new InvalidRequestError(`Missing required parameter: '${path}.content'`, `${path}.content`, 'missing_parameter');
  const blocks: unknown[] = typeof c === 'string' ? [{ type: 'text', text: c }] : Array.isArray(c) ? c : fail(`${path}.content`, 'a string or an array of content blocks', c);
  return role === 'user' ? userMessages(blocks, `${path}.content`) : [assistantMessage(blocks, `${path}.content`)];
}

function userMessages(blocks: readonly unknown[], path: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  let pending: ContentPart[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  blocks.forEach((b, j) => {
    const p = `${path}[${j}]`;
    if (!isObject(b)) fail(p, 'a content block', b);
    if (b['type'] === 'tool_result') {
      flush();
      out.push(toolResult(b, p));
      return;
    }
    pending.push(decodePart(b, p));
  });
  flush();
  // A user turn of only empty content still is a turn.
  return out.length > 0 ? out : [{ role: 'user', content: [] }];
}

function toolResult(b: Json, p: string): ChatMessage {
  const toolCallId = requireString(b, 'tool_use_id', `${p}.tool_use_id`);
  const isError = optBool(b, 'is_error', `${p}.is_error`);
  const c = b['content'];
  let content: ContentPart[];
  if (c === undefined || c === null) content = [];
  else if (typeof c === 'string') content = [{ type: 'text', text: c }];
  else if (Array.isArray(c)) content = c.map((x, k) => (isObject(x) ? decodePart(x, `${p}.content[${k}]`) : fail(`${p}.content[${k}]`, 'a content block', x)));
  else fail(`${p}.content`, 'a string or an array of content blocks', c);
  return { role: 'tool', toolCallId, content, ...(isError !== undefined ? { isError } : {}) };
}

function assistantMessage(blocks: readonly unknown[], path: string): ChatMessage {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  blocks.forEach((b, j) => {
    const p = `${path}[${j}]`;
    if (!isObject(b)) fail(p, 'a content block', b);
    switch (b['type']) {
      case 'tool_use': {
        const input = b['input'];
        if (!isObject(input)) fail(`${p}.input`, 'an object', input);
        toolCalls.push({ id: requireString(b, 'id', `${p}.id`), name: requireString(b, 'name', `${p}.name`), arguments: JSON.stringify(input) });
        return;
      }
      case 'thinking': {
        const text = b['thinking'];
        if (typeof text !== 'string') fail(`${p}.thinking`, 'a string', text);
        const signature = optString(b, 'signature', `${p}.signature`);
        reasoning.push({ type: 'thinking', text, ...(signature !== undefined ? { signature } : {}) });
        return;
      }
      case 'redacted_thinking': {
        const data = b['data'];
        if (typeof data !== 'string') fail(`${p}.data`, 'a string', data);
        reasoning.push({ type: 'redacted', data });
        return;
      }
      case 'tool_result':
        throw new InvalidRequestError(`Invalid value for '${p}.type': tool_result blocks belong in a user message`, `${p}.type`);
      default:
        content.push(decodePart(b, p));
    }
  });
  return {
    role: 'assistant',
    content,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(reasoning.length > 0 ? { reasoning } : {}),
  };
}

/** `cache_control: {type: "ephemeral", ttl?}` → the canonical breakpoint (as a spreadable field). */
function cacheOf(b: Json, p: string): { cache?: CacheBreakpoint } {
  const cc = b['cache_control'];
  if (cc === undefined || cc === null) return {};
  if (!isObject(cc) || cc['type'] !== 'ephemeral') fail(`${p}.cache_control`, '{type: "ephemeral", ttl?: "5m" | "1h"}', cc);
  const ttl = cc['ttl'];
  if (ttl === undefined || ttl === null) return { cache: {} };
  if (ttl !== '5m' && ttl !== '1h') fail(`${p}.cache_control.ttl`, '"5m" or "1h"', ttl);
  return { cache: { ttl } };
}

function decodePart(b: Json, p: string): ContentPart {
  const type = b['type'];
  if (type === 'text') return { type: 'text', text: requireText(b, p), ...cacheOf(b, p) };
  if (type === 'image') {
    const s = b['source'];
    if (!isObject(s)) fail(`${p}.source`, 'an image source object', s);
    if (s['type'] === 'base64') {
      const mediaType = requireString(s, 'media_type', `${p}.source.media_type`);
      const data = requireString(s, 'data', `${p}.source.data`);
      return { type: 'image', url: `data:${mediaType};base64,${data}`, ...cacheOf(b, p) };
    }
    if (s['type'] === 'url') return { type: 'image', url: requireString(s, 'url', `${p}.source.url`), ...cacheOf(b, p) };
    if (typeof s['type'] !== 'string') fail(`${p}.source.type`, '"base64", "url" or "file"', s['type']);
    // file sources (Files API ids) only mean something to Anthropic.
    return { type: 'opaque', wireType: `image.source.${s['type']}` };
  }
  if (typeof type !== 'string') fail(`${p}.type`, 'a content block type', type);
  // document, search_result, server tool blocks…: relayed on the Anthropic wire, refused elsewhere.
  return { type: 'opaque', wireType: type };
}

function requireText(b: Json, p: string): string {
  const t = b['text'];
  if (typeof t !== 'string') fail(`${p}.text`, 'a string', t);
  return t;
}

function decodeTools(v: unknown): { tools: ToolDefinition[] | undefined; opaqueTools: string[] } {
  const opaqueTools: string[] = [];
  if (v === undefined || v === null) return { tools: undefined, opaqueTools };
  if (!Array.isArray(v)) fail('tools', 'an array', v);
  const tools: ToolDefinition[] = [];
  v.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObject(t)) fail(p, 'a tool object', t);
    const type = t['type'];
    if (type !== undefined && type !== null && type !== 'custom') {
      // Server and versioned client tools (web_search_…, bash_…, text_editor_…).
      if (typeof type !== 'string') fail(`${p}.type`, 'a string', type);
      requireString(t, 'name', `${p}.name`);
      opaqueTools.push(type);
      return;
    }
    const name = requireString(t, 'name', `${p}.name`);
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name)) throw new InvalidRequestError(`Invalid value for '${p}.name': must match ^[a-zA-Z0-9_-]{1,128}$`, `${p}.name`);
    const schema = t['input_schema'];
    if (schema === undefined || schema === null) throw new InvalidRequestError(`Missing required parameter: '${p}.input_schema'`, `${p}.input_schema`, 'missing_parameter');
    if (!isObject(schema)) fail(`${p}.input_schema`, 'a JSON Schema object', schema);
    const description = optString(t, 'description', `${p}.description`);
    const strict = optBool(t, 'strict', `${p}.strict`);
    tools.push({ name, ...(description !== undefined ? { description } : {}), parameters: schema, ...(strict !== undefined ? { strict } : {}), ...cacheOf(t, p) });
  });
  return { tools, opaqueTools };
}

function decodeToolChoice(v: unknown): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) fail('tool_choice', 'an object', v);
  const type = v['type'];
  const noParallel = optBool(v, 'disable_parallel_tool_use', 'tool_choice.disable_parallel_tool_use');
  const parallel = noParallel === true ? { parallelToolCalls: false } : {};
  if (type === 'auto') return { toolChoice: 'auto', ...parallel };
  if (type === 'any') return { toolChoice: 'required', ...parallel };
  if (type === 'none') return { toolChoice: 'none' };
  if (type === 'tool') return { toolChoice: { name: requireString(v, 'name', 'tool_choice.name') }, ...parallel };
  return fail('tool_choice.type', '"auto", "any", "tool" or "none"', type);
}

function decodeReasoning(body: Json): { effort?: string; budget?: number } {
  const oc = body['output_config'];
  let effort: string | undefined;
  if (isObject(oc)) {
    effort = optString(oc, 'effort', 'output_config.effort');
    if (effort !== undefined && !EFFORTS.has(effort)) fail('output_config.effort', 'one of low, medium, high, xhigh, max', effort);
  }
  const t = body['thinking'];
  if (t === undefined || t === null) return { ...(effort !== undefined ? { effort } : {}) };
  if (!isObject(t)) fail('thinking', 'an object', t);
  const type = t['type'];
  if (type === 'disabled') return { effort: 'none' };
  if (type === 'adaptive') return { ...(effort !== undefined ? { effort } : {}) };
  if (type === 'enabled') {
    if (t['budget_tokens'] === undefined || t['budget_tokens'] === null) {
      throw new InvalidRequestError("Missing required parameter: 'thinking.budget_tokens'", 'thinking.budget_tokens', 'missing_parameter');
    }
    const budget = optInt(t, 'budget_tokens', 1, Number.MAX_SAFE_INTEGER, 'thinking.budget_tokens') as number;
    return { budget, ...(effort !== undefined ? { effort } : {}) };
  }
  return fail('thinking.type', '"enabled", "adaptive" or "disabled"', type);
}

function decodeOutputFormat(v: unknown): ResponseFormat | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('output_config', 'an object', v);
  const f = v['format'];
  if (f === undefined || f === null) return undefined;
  if (!isObject(f)) fail('output_config.format', 'an object', f);
  if (f['type'] !== 'json_schema') fail('output_config.format.type', '"json_schema"', f['type']);
  const schema = f['schema'];
  if (!isObject(schema)) fail('output_config.format.schema', 'a JSON Schema object', schema);
  return { type: 'json_schema', name: 'output', schema, strict: true };
}

function decodeStopSequences(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  return fail('stop_sequences', 'an array of strings', v);
}
