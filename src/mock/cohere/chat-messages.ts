// Checks Cohere v2 `messages` as strictly as Cohere does, so a gateway's translation mistakes fail
// here: roles system|user|assistant|tool with only their own fields; user parts text|image_url;
// assistant content (text|thinking) and/or tool_calls; every tool message answers a call of the
// assistant turn before it, and every call of a turn is answered before the conversation moves on.
// Returns the characters of text the messages carry (for the token count).
import { InvalidRequestError } from '../../core/errors.js';
import { isRecord } from '../json-shape.js';

const FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'tool_plan', 'citations']),
  tool: new Set(['role', 'tool_call_id', 'content']),
};

export function bad(message: string, param: string | null = null): InvalidRequestError {
  return new InvalidRequestError(`invalid request: ${message}`, param, 'invalid_request');
}

/** String content, or a list of parts whose `type` is in `allowed`; returns the text characters. */
function checkContent(c: unknown, at: string, allowed: ReadonlySet<string>, required: boolean): number {
  if (c === undefined || c === null) {
    if (required) throw bad(`${at}.content is required`, `${at}.content`);
    return 0;
  }
  if (typeof c === 'string') return c.length;
  if (!Array.isArray(c)) throw bad(`${at}.content must be a string or a list of content items`, `${at}.content`);
  let chars = 0;
  c.forEach((p, j) => {
    const pat = `${at}.content[${j}]`;
    if (!isRecord(p) || typeof p.type !== 'string' || !allowed.has(p.type)) {
      throw bad(`${pat}.type must be one of ${[...allowed].join(', ')}`, `${pat}.type`);
    }
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw bad(`${pat}.text is required`, `${pat}.text`);
      chars += p.text.length;
    } else if (p.type === 'thinking') {
      if (typeof p.thinking !== 'string') throw bad(`${pat}.thinking is required`, `${pat}.thinking`);
    } else if (p.type === 'image_url') {
      const img = p.image_url;
      if (!isRecord(img) || typeof img.url !== 'string' || !/^(https?:\/\/|data:image\/)/.test(img.url)) {
        throw bad(`${pat}.image_url.url must be an http(s) URL or a data:image URI`, `${pat}.image_url`);
      }
      if (img.detail !== undefined && img.detail !== 'auto' && img.detail !== 'low' && img.detail !== 'high') {
        throw bad(`${pat}.image_url.detail must be auto, low or high`, `${pat}.image_url.detail`);
      }
    }
  });
  return chars;
}

const SYSTEM_PARTS = new Set(['text']);
const USER_PARTS = new Set(['text', 'image_url']);
const ASSISTANT_PARTS = new Set(['text', 'thinking']);
const TOOL_PARTS = new Set(['text', 'document']);

/** Returns the ids of the calls and the characters (name + arguments) they carry. */
function checkToolCalls(v: unknown, at: string): { ids: string[]; chars: number } {
  if (v === undefined || v === null) return { ids: [], chars: 0 };
  if (!Array.isArray(v)) throw bad(`${at}.tool_calls must be a list`, `${at}.tool_calls`);
  let chars = 0;
  const ids = v.map((c, k) => {
    const cat = `${at}.tool_calls[${k}]`;
    if (!isRecord(c) || typeof c.id !== 'string' || c.id === '') throw bad(`${cat}.id is required`, `${cat}.id`);
    if (c.type !== undefined && c.type !== 'function') throw bad(`${cat}.type must be function`, `${cat}.type`);
    const fn = c.function;
    if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') throw bad(`${cat}.function.name is required`, `${cat}.function.name`);
    if (typeof fn.arguments !== 'string') throw bad(`${cat}.function.arguments must be a JSON string`, `${cat}.function.arguments`);
    chars += fn.name.length + fn.arguments.length;
    return c.id;
  });
  return { ids, chars };
}

export function checkMessages(raw: unknown): { chars: number; count: number } {
  if (!Array.isArray(raw) || raw.length === 0) throw bad('messages must be a non-empty list', 'messages');
  let chars = 0;
  // Calls of the latest assistant turn that still wait for their tool message.
  let open = new Set<string>();
  let openAt = -1;
  raw.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(m) || typeof m.role !== 'string' || FIELDS[m.role] === undefined) {
      throw bad(`${at}.role must be one of system, user, assistant, tool`, `${at}.role`);
    }
    const role = m.role;
    for (const key of Object.keys(m)) if (!(FIELDS[role] as ReadonlySet<string>).has(key)) throw bad(`${at}: unknown field '${key}' for a ${role} message`, `${at}.${key}`);
    if (role !== 'tool' && open.size > 0) {
      throw bad(`messages[${openAt}] has tool calls without results: ${[...open].join(', ')}; every tool call needs a tool message`, `messages[${openAt}]`);
    }
    switch (role) {
      case 'system':
        chars += checkContent(m.content, at, SYSTEM_PARTS, true);
        break;
      case 'user':
        chars += checkContent(m.content, at, USER_PARTS, true);
        break;
      case 'assistant': {
        const calls = checkToolCalls(m.tool_calls, at);
        chars += calls.chars + checkContent(m.content, at, ASSISTANT_PARTS, false);
        if (calls.ids.length === 0 && (m.content === undefined || m.content === null)) throw bad(`${at} needs content or tool_calls`, at);
        if (m.tool_plan !== undefined && typeof m.tool_plan !== 'string') throw bad(`${at}.tool_plan must be a string`, `${at}.tool_plan`);
        if (i < raw.length - 1) {
          open = new Set(calls.ids);
          openAt = i;
        }
        break;
      }
      case 'tool': {
        const id = m.tool_call_id;
        if (typeof id !== 'string' || !open.has(id)) {
          throw bad(`${at}.tool_call_id '${String(id)}' does not match a tool call of the previous assistant message`, `${at}.tool_call_id`);
        }
        open.delete(id);
        chars += checkContent(m.content, at, TOOL_PARTS, true);
        break;
      }
    }
  });
  if (open.size > 0) throw bad(`messages[${openAt}] has tool calls without results: ${[...open].join(', ')}`, `messages[${openAt}]`);
  return { chars, count: raw.length };
}
