// Checks Mistral `messages` as strictly as Mistral does, so a gateway's translation mistakes fail
// here: each role takes only its own fields (a user `name` or an assistant `reasoning_content` is a
// 422 extra_forbidden); tool-call ids are exactly 9 characters [a-zA-Z0-9]; every call of an
// assistant turn is answered by a tool message before the conversation moves on (and no tool
// message answers nothing); the last message is user or tool, or an assistant with `prefix: true`.
// Returns the characters of text the messages carry (for the token count).
import { isRecord } from '../json-shape.js';
import { extraForbidden, invalidField, invalidRequest } from './wire.js';

const FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};
const CHUNKS = new Set(['text', 'image_url', 'document_url', 'input_audio', 'file', 'reference', 'thinking']);
const TOOL_ID = /^[a-zA-Z0-9]{9}$/;

function badId(id: unknown): never {
  throw invalidRequest(`Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`, 'invalid_function_call', '3280');
}

/** A string, null where allowed, or a list of content chunks; returns the text characters. */
function checkContent(c: unknown, at: (string | number)[], nullable: boolean): number {
  if (typeof c === 'string') return c.length;
  if (c === null || c === undefined) {
    if (nullable) return 0;
    throw invalidField('missing', [...at, 'content'], 'Field required');
  }
  if (!Array.isArray(c)) throw invalidField('string_type', [...at, 'content'], 'Input should be a valid string or list', c);
  let chars = 0;
  c.forEach((p, j) => {
    const loc = [...at, 'content', j];
    if (!isRecord(p) || typeof p.type !== 'string' || !CHUNKS.has(p.type)) throw invalidField('union_tag_invalid', loc, 'Input tag does not match any of the expected tags', p);
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw invalidField('missing', [...loc, 'text'], 'Field required');
      chars += p.text.length;
    } else if (p.type === 'image_url') {
      const img = p.image_url;
      const url = typeof img === 'string' ? img : isRecord(img) ? img.url : undefined;
      if (typeof url !== 'string' || url === '') throw invalidField('missing', [...loc, 'image_url'], 'Field required', img);
    }
  });
  return chars;
}

function checkToolCalls(v: unknown, at: (string | number)[]): { ids: string[]; chars: number } {
  if (v === undefined || v === null) return { ids: [], chars: 0 };
  if (!Array.isArray(v)) throw invalidField('list_type', [...at, 'tool_calls'], 'Input should be a valid list', v);
  let chars = 0;
  const ids = v.map((c, k) => {
    const loc = [...at, 'tool_calls', k];
    if (!isRecord(c)) throw invalidField('model_type', loc, 'Input should be a valid dictionary', c);
    for (const key of Object.keys(c)) if (!['id', 'type', 'function', 'index'].includes(key)) throw extraForbidden([...loc, key], c[key]);
    if (typeof c.id !== 'string' || !TOOL_ID.test(c.id)) badId(c.id);
    const fn = c.function;
    if (!isRecord(fn) || typeof fn.name !== 'string') throw invalidField('missing', [...loc, 'function', 'name'], 'Field required');
    const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? null);
    chars += fn.name.length + args.length;
    return c.id;
  });
  return { ids, chars };
}

export function checkMessages(raw: unknown): { chars: number; count: number } {
  if (raw === undefined) throw invalidField('missing', ['messages'], 'Field required');
  if (!Array.isArray(raw) || raw.length === 0) throw invalidField('too_short', ['messages'], 'List should have at least 1 item after validation', raw);
  let chars = 0;
  let open: string[] = [];
  let lastRole = '';
  let lastPrefix = false;
  raw.forEach((m: unknown, i) => {
    if (!isRecord(m) || typeof m.role !== 'string' || FIELDS[m.role] === undefined) {
      throw invalidField('union_tag_invalid', ['messages', i], "Input tag does not match any of the expected tags: 'assistant', 'system', 'tool', 'user'", m);
    }
    const role = m.role;
    const at: (string | number)[] = ['messages', i, role];
    for (const key of Object.keys(m)) if (!(FIELDS[role] as ReadonlySet<string>).has(key)) throw extraForbidden([...at, key], m[key]);
    if (role !== 'tool' && open.length > 0) throw invalidRequest('Not the same number of function calls and responses');
    switch (role) {
      case 'system':
      case 'user':
        chars += checkContent(m.content, at, false);
        break;
      case 'assistant': {
        const calls = checkToolCalls(m.tool_calls, at);
        chars += calls.chars + checkContent(m.content, at, true);
        if (m.prefix !== undefined && typeof m.prefix !== 'boolean') throw invalidField('bool_type', [...at, 'prefix'], 'Input should be a valid boolean', m.prefix);
        open = calls.ids;
        break;
      }
      case 'tool': {
        const id = m.tool_call_id;
        if (typeof id !== 'string' || !TOOL_ID.test(id)) badId(id);
        const k = open.indexOf(id);
        if (k === -1) throw invalidRequest(`Unexpected tool call id ${id} in tool results`);
        open.splice(k, 1);
        chars += checkContent(m.content, at, false);
        break;
      }
    }
    lastRole = role;
    lastPrefix = m.prefix === true;
  });
  if (lastRole === 'assistant' && !lastPrefix) {
    throw invalidRequest('Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant');
  }
  if (open.length > 0) throw invalidRequest('Not the same number of function calls and responses');
  return { chars, count: raw.length };
}
