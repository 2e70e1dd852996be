// Gemini `contents` and `systemInstruction` (providers.md §5) → canonical messages.
//
// - Consecutive `model` contents are ONE assistant turn (decode-model-turn.ts): the SDK's chat
//   history keeps every streamed chunk as its own content, and Gemini reads them as one turn.
// - User parts: functionResponse → a tool message, in part order, with the user parts between them
//   as user messages. `{output: "…"}` / `{error: "…"}` responses become their text (error →
//   isError); other responses their JSON. Calls and responses are paired by call-ids.ts.
import type { ChatMessage, ContentPart } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { fail, isObject, optString, requireString, type Json } from '../field-checks.js';
import { CallIds } from './call-ids.js';
import { AssistantTurn } from './decode-model-turn.js';
import { kindOf, noData, partsOf, plainPart } from './decode-parts.js';

export function decodeContents(v: unknown): ChatMessage[] {
  if (v === undefined || v === null) throw new InvalidRequestError("Missing required parameter: 'contents'", 'contents', 'missing_parameter');
  if (!Array.isArray(v)) fail('contents', 'an array', v);
  if (v.length === 0) throw new InvalidRequestError("'contents' must contain at least one content", 'contents');
  const ids = new CallIds();
  const out: ChatMessage[] = [];
  let turn: AssistantTurn | undefined;
  v.forEach((c, i) => {
    const p = `contents[${i}]`;
    if (!isObject(c)) fail(p, 'a content object', c);
    const role = c['role'];
    const parts = partsOf(c, p);
    if (role === 'model') {
      if (turn === undefined) {
        turn = new AssistantTurn();
        ids.newTurn();
      }
      const t = turn;
      parts.forEach((part, j) => t.add(part, `${p}.parts[${j}]`, ids, `call_${i}_${j}`));
      return;
    }
    // Gemini reads a missing role as user; `function` is the older name for a turn of responses.
    if (role !== undefined && role !== null && role !== '' && role !== 'user' && role !== 'function') {
      throw new InvalidRequestError(`Invalid value for '${p}.role': expected user or model; got ${JSON.stringify(role)}`, `${p}.role`);
    }
    if (turn !== undefined) out.push(turn.message());
    turn = undefined;
    out.push(...userMessages(parts, p, ids));
  });
  if (turn !== undefined) out.push(turn.message());
  return out;
}

export function decodeSystemInstruction(v: unknown): ChatMessage[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v === '' ? [] : [{ role: 'system', content: [{ type: 'text', text: v }] }];
  if (!isObject(v)) fail('systemInstruction', 'a content object', v);
  const content: ContentPart[] = partsOf(v, 'systemInstruction').map((x, k) => {
    const p = `systemInstruction.parts[${k}]`;
    if (!isObject(x)) fail(p, 'a part object', x);
    const t = x['text'];
    if (typeof t !== 'string') fail(`${p}.text`, 'a string (system instructions hold text parts only)', t);
    return { type: 'text', text: t };
  });
  return content.length === 0 ? [] : [{ role: 'system', content }];
}

function userMessages(parts: readonly Json[], p: string, ids: CallIds): ChatMessage[] {
  const out: ChatMessage[] = [];
  let pending: ContentPart[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  parts.forEach((part, j) => {
    const pp = `${p}.parts[${j}]`;
    const kind = kindOf(part, pp);
    if (kind === 'functionResponse') {
      flush();
      out.push(toolMessage(part['functionResponse'], `${pp}.functionResponse`, ids));
    } else if (kind === 'functionCall') {
      throw new InvalidRequestError(`Invalid value for '${pp}.functionCall': function calls belong in model turns`, `${pp}.functionCall`);
    } else if (kind === undefined) {
      noData(pp);
    } else {
      pending.push(plainPart(part, kind, pp));
    }
  });
  flush();
  return out.length > 0 ? out : [{ role: 'user', content: [] }];
}

function toolMessage(fr: unknown, p: string, ids: CallIds): ChatMessage {
  if (!isObject(fr)) fail(p, 'an object with name and response', fr);
  const name = requireString(fr, 'name', `${p}.name`);
  const id = optString(fr, 'id', `${p}.id`);
  const response = fr['response'] ?? {};
  if (!isObject(response)) fail(`${p}.response`, 'an object', response);
  const extra = fr['parts'];
  if (extra !== undefined && extra !== null && !Array.isArray(extra)) fail(`${p}.parts`, 'an array', extra);
  // Multimodal function responses (images the tool produced) follow the response text.
  const media: ContentPart[] = (Array.isArray(extra) ? extra : []).map((x: unknown, k: number) => {
    const pp = `${p}.parts[${k}]`;
    if (!isObject(x)) fail(pp, 'a part object', x);
    const kind = kindOf(x, pp);
    if (kind === undefined) noData(pp);
    if (kind === 'functionCall' || kind === 'functionResponse') throw new InvalidRequestError(`Invalid value for '${pp}': a function response holds data parts only`, pp);
    return plainPart(x, kind, pp);
  });
  const { text, isError } = responseText(response);
  return { role: 'tool', toolCallId: ids.response(id, name, p), content: [{ type: 'text', text }, ...media], ...(isError ? { isError } : {}) };
}

function responseText(r: Json): { text: string; isError: boolean } {
  const keys = Object.keys(r);
  if (keys.length === 1 && typeof r['output'] === 'string') return { text: r['output'], isError: false };
  if (keys.length === 1 && typeof r['error'] === 'string') return { text: r['error'], isError: true };
  return { text: JSON.stringify(r), isError: r['error'] !== undefined && r['output'] === undefined };
}
