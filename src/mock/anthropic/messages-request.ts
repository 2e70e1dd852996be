// Reads a Messages API body into the few facts the simulator needs, rejecting with a 400 what
// Anthropic itself rejects — strictly, so a gateway's translation mistakes show up here: unknown
// top-level fields, missing max_tokens, temperature above 1, empty text blocks, a tool_use without its
// tool_result in the next message (or a result without its call), results after other content.
//
// Prompt tokens (../usage.ts): ceil(chars / 4) + 3 per message (+3 for a system prompt), where chars
// counts system text, text blocks, tool_use name + JSON input, and tool_result text.
import { InvalidRequestError } from '../../core/errors.js';
import { isNonNegativeInteger, isRecord, type JsonRecord } from '../json-shape.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';

export interface MessagesCall {
  readonly model: string;
  readonly stream: boolean;
  readonly maxTokens: number;
  /** Names of the offered tools, in order. */
  readonly toolNames: readonly string[];
  readonly promptTokens: number;
}

const TOP_LEVEL = new Set([
  'model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'stream',
  'tools', 'tool_choice', 'thinking', 'output_config', 'metadata', 'service_tier', 'cache_control',
  'container', 'inference_geo', 'mcp_servers', 'context_management',
]);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

function bad(message: string, param: string | null = null): InvalidRequestError {
  return new InvalidRequestError(message, param, 'invalid_request_error');
}

export function parseMessagesJson(raw: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad('There was an error parsing the body of your request. Please make sure the body is valid JSON.');
  }
  if (!isRecord(value)) throw bad('Input should be a valid dictionary');
  return value;
}

function checkCacheControl(b: JsonRecord, at: string): void {
  const cc = b.cache_control;
  if (cc === undefined || cc === null) return;
  if (!isRecord(cc) || cc.type !== 'ephemeral' || (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h')) {
    throw bad(`${at}.cache_control: Input should be {"type": "ephemeral", "ttl"?: "5m" | "1h"}`, `${at}.cache_control`);
  }
}

/** Returns the characters of text the block carries (for the token count). */
function checkBlock(b: unknown, at: string, role: string): number {
  if (!isRecord(b) || typeof b.type !== 'string') throw bad(`${at}: Input should be a valid content block`, at);
  checkCacheControl(b, at);
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string') throw bad(`${at}.text: Field required`, `${at}.text`);
      if (b.text === '') throw bad(`${at}: text content blocks must be non-empty`, at);
      return b.text.length;
    case 'image': {
      if (role !== 'user') throw bad(`${at}: image blocks are only allowed in user messages`, at);
      const s = b.source;
      if (!isRecord(s)) throw bad(`${at}.source: Field required`, `${at}.source`);
      if (s.type === 'base64') {
        if (typeof s.media_type !== 'string' || !IMAGE_TYPES.has(s.media_type)) {
          throw bad(`${at}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`, `${at}.source.media_type`);
        }
        if (typeof s.data !== 'string' || s.data === '') throw bad(`${at}.source.data: Field required`, `${at}.source.data`);
      } else if (s.type === 'url') {
        if (typeof s.url !== 'string' || !/^https?:\/\//.test(s.url)) throw bad(`${at}.source.url: Input should be a valid URL`, `${at}.source.url`);
      } else if (s.type !== 'file') {
        throw bad(`${at}.source.type: Input should be 'base64', 'url' or 'file'`, `${at}.source.type`);
      }
      return 0;
    }
    case 'tool_use':
      if (role !== 'assistant') throw bad(`${at}: tool_use blocks are only allowed in assistant messages`, at);
      if (typeof b.id !== 'string' || !TOOL_ID.test(b.id)) throw bad(`${at}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`, `${at}.id`);
      if (typeof b.name !== 'string' || b.name === '') throw bad(`${at}.name: Field required`, `${at}.name`);
      if (!isRecord(b.input)) throw bad(`${at}.input: Input should be a valid dictionary`, `${at}.input`);
      return b.name.length + JSON.stringify(b.input).length;
    case 'tool_result': {
      if (role !== 'user') throw bad(`${at}: tool_result blocks are only allowed in user messages`, at);
      if (typeof b.tool_use_id !== 'string' || !TOOL_ID.test(b.tool_use_id)) {
        throw bad(`${at}.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`, `${at}.tool_use_id`);
      }
      const c = b.content;
      if (c === undefined || c === null) return 0;
      if (typeof c === 'string') return c.length;
      if (!Array.isArray(c)) throw bad(`${at}.content: Input should be a valid string or list`, `${at}.content`);
      let chars = 0;
      c.forEach((inner, k) => {
        if (!isRecord(inner) || (inner.type !== 'text' && inner.type !== 'image')) {
          throw bad(`${at}.content.${k}: tool_result content must be text or image blocks`, `${at}.content.${k}`);
        }
        chars += checkBlock(inner, `${at}.content.${k}`, 'user');
      });
      return chars;
    }
    case 'thinking':
      if (role !== 'assistant') throw bad(`${at}: thinking blocks are only allowed in assistant messages`, at);
      if (typeof b.thinking !== 'string' || typeof b.signature !== 'string') throw bad(`${at}: thinking blocks need thinking and signature`, at);
      return 0;
    case 'redacted_thinking':
      if (typeof b.data !== 'string') throw bad(`${at}.data: Field required`, `${at}.data`);
      return 0;
    case 'document':
      return 0;
    default:
      throw bad(`${at}.type: Input tag '${b.type}' found using 'type' does not match any of the expected tags`, `${at}.type`);
  }
}

interface CheckedMessage {
  readonly role: 'user' | 'assistant';
  readonly blocks: readonly JsonRecord[];
}

function checkMessages(raw: unknown): { chars: number; messages: CheckedMessage[] } {
  if (raw === undefined) throw bad('messages: Field required', 'messages');
  if (!Array.isArray(raw)) throw bad('messages: Input should be a valid list', 'messages');
  if (raw.length === 0) throw bad('messages: at least one message is required', 'messages');
  let chars = 0;
  const messages = raw.map((m, i): CheckedMessage => {
    const at = `messages.${i}`;
    if (!isRecord(m)) throw bad(`${at}: Input should be a valid dictionary`, at);
    if (m.role !== 'user' && m.role !== 'assistant') throw bad(`${at}.role: Input should be 'user' or 'assistant'`, `${at}.role`);
    const role = m.role;
    const c = m.content;
    if (typeof c === 'string') {
      chars += c.length;
      return { role, blocks: [{ type: 'text', text: c }] };
    }
    if (!Array.isArray(c)) throw bad(`${at}.content: Input should be a valid string or list`, `${at}.content`);
    c.forEach((b, j) => (chars += checkBlock(b, `${at}.content.${j}`, role)));
    return { role, blocks: c as JsonRecord[] };
  });
  checkToolPairing(messages);
  return { chars, messages };
}

/** Every tool_use is answered in the very next (user) message, results first; no result without its call. */
function checkToolPairing(messages: readonly CheckedMessage[]): void {
  messages.forEach((m, i) => {
    if (m.role !== 'user') return;
    const prev = messages[i - 1];
    const offered = new Set(prev?.role === 'assistant' ? prev.blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string) : []);
    let seenOther = false;
    m.blocks.forEach((b, j) => {
      if (b.type !== 'tool_result') {
        seenOther = true;
        return;
      }
      const id = b.tool_use_id as string;
      if (!offered.has(id)) {
        throw bad(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`, `messages.${i}.content.${j}`);
      }
      if (seenOther) throw bad(`messages.${i}.content.${j}: \`tool_result\` blocks must come before any other content in the message`, `messages.${i}.content.${j}`);
    });
  });
  messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const next = messages[i + 1];
    if (next === undefined) return; // a trailing assistant turn is a prefill
    const answered = new Set(next.role === 'user' ? next.blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string) : []);
    const missing = m.blocks.filter((b) => b.type === 'tool_use' && !answered.has(b.id as string)).map((b) => b.id as string);
    if (missing.length > 0) {
      throw bad(`messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`, `messages.${i + 1}`);
    }
  });
}

function checkSystem(v: unknown): number {
  if (v === undefined || v === null) return -1;
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) throw bad('system: Input should be a valid string or list of text blocks', 'system');
  let chars = 0;
  v.forEach((b, k) => {
    if (!isRecord(b) || b.type !== 'text') throw bad(`system.${k}: system blocks must be text blocks`, `system.${k}`);
    chars += checkBlock(b, `system.${k}`, 'system');
  });
  return chars;
}

function checkRange(body: JsonRecord, key: string, min: number, max: number): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || v < min || v > max) throw bad(`${key}: Input should be a number between ${min} and ${max}`, key);
}

function checkTools(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad('tools: Input should be a valid list', 'tools');
  return v.map((t, k) => {
    if (!isRecord(t) || typeof t.name !== 'string' || t.name === '') throw bad(`tools.${k}.name: Field required`, `tools.${k}.name`);
    // Typed server tools (web_search_…, bash_…) carry a `type` and no input_schema.
    if (t.type === undefined || t.type === 'custom') {
      if (!isRecord(t.input_schema)) throw bad(`tools.${k}.input_schema: Field required`, `tools.${k}.input_schema`);
      if (t.input_schema.type !== 'object') throw bad(`tools.${k}.input_schema.type: Input should be 'object'`, `tools.${k}.input_schema.type`);
    }
    return t.name;
  });
}

function checkToolChoice(v: unknown, tools: readonly string[]): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v) || !['auto', 'any', 'tool', 'none'].includes(v.type as string)) {
    throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", 'tool_choice');
  }
  if (v.type === 'tool' && (typeof v.name !== 'string' || !tools.includes(v.name))) throw bad('tool_choice.name: must name one of the offered tools', 'tool_choice.name');
  if (v.disable_parallel_tool_use !== undefined && typeof v.disable_parallel_tool_use !== 'boolean') {
    throw bad('tool_choice.disable_parallel_tool_use: Input should be a valid boolean', 'tool_choice.disable_parallel_tool_use');
  }
}

function checkThinking(v: unknown, maxTokens: number): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v)) throw bad('thinking: Input should be a valid dictionary', 'thinking');
  if (v.type === 'adaptive' || v.type === 'disabled') return;
  if (v.type !== 'enabled') throw bad("thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'", 'thinking.type');
  const b = v.budget_tokens;
  if (!isNonNegativeInteger(b) || b < 1024) throw bad('thinking.budget_tokens: Input should be greater than or equal to 1024', 'thinking.budget_tokens');
  if (b >= maxTokens) throw bad('`max_tokens` must be greater than `thinking.budget_tokens`', 'max_tokens');
}

function checkOutputConfig(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isRecord(v)) throw bad('output_config: Input should be a valid dictionary', 'output_config');
  if (v.effort !== undefined && v.effort !== null && !['low', 'medium', 'high', 'xhigh', 'max'].includes(v.effort as string)) {
    throw bad("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'", 'output_config.effort');
  }
  const f = v.format;
  if (f !== undefined && f !== null && (!isRecord(f) || f.type !== 'json_schema' || !isRecord(f.schema))) {
    throw bad("output_config.format: Input should be {type: 'json_schema', schema: {...}}", 'output_config.format');
  }
}

export function parseMessagesBody(raw: string): MessagesCall {
  const body = parseMessagesJson(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`${key}: Extra inputs are not permitted`, key);
  const model = body.model;
  if (model === undefined || model === null) throw bad('model: Field required', 'model');
  if (typeof model !== 'string' || model === '') throw bad('model: Input should be a valid string', 'model');
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined || maxTokens === null) throw bad('max_tokens: Field required', 'max_tokens');
  if (!isNonNegativeInteger(maxTokens)) throw bad('max_tokens: Input should be a valid integer, greater than or equal to 0', 'max_tokens');
  const { chars, messages } = checkMessages(body.messages);
  const systemChars = checkSystem(body.system);
  checkRange(body, 'temperature', 0, 1);
  checkRange(body, 'top_p', 0, 1);
  const stops = body.stop_sequences;
  if (stops !== undefined && (!Array.isArray(stops) || !stops.every((s) => typeof s === 'string'))) {
    throw bad('stop_sequences: Input should be a valid list of strings', 'stop_sequences');
  }
  const toolNames = checkTools(body.tools);
  checkToolChoice(body.tool_choice, toolNames);
  checkThinking(body.thinking, maxTokens);
  checkOutputConfig(body.output_config);
  const md = body.metadata;
  if (md !== undefined && (!isRecord(md) || Object.keys(md).some((k) => k !== 'user_id'))) throw bad('metadata: only user_id is permitted', 'metadata');
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw bad('stream: Input should be a valid boolean', 'stream');
  const systemTokens = systemChars < 0 ? 0 : TOKENS_PER_MESSAGE;
  return {
    model,
    stream: body.stream === true,
    maxTokens,
    toolNames,
    promptTokens: tokensForChars(chars + Math.max(0, systemChars)) + TOKENS_PER_MESSAGE * messages.length + systemTokens,
  };
}
