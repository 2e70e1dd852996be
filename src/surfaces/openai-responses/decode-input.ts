// Responses `instructions` + `input` (a string or a list of items, providers.md §2) → canonical
// messages. The Responses wire splits one assistant turn into items (reasoning, message,
// function_call…); the canonical model keeps a turn whole, so:
// - a `function_call` joins the assistant message just before it (the usual [message, call, call]
//   order of an output), or starts one with no text;
// - `reasoning` items wait for the assistant message or call that follows them and travel in its
//   `reasoning`; one with nothing after it in the same turn has no turn to belong to and is listed
//   as ignored, as is one with neither text nor encrypted content of ours (reasoning-items.ts);
// - `function_call_output` → a tool message.
// Items that point at state the gateway does not keep (`item_reference`) and built-in tool items
// (web_search_call, computer_call…, which only OpenAI can run) are refused.
import type { ChatMessage, ContentPart, ReasoningBlock, ToolCall } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import { fail, isObject, requireString, type Json } from '../field-checks.js';
import { readReasoning } from './reasoning-items.js';
import { statelessRefusal } from './stateless.js';

export interface DecodedInput {
  readonly messages: ChatMessage[];
  /** Request paths left out of the canonical request (for the caller's debug log). */
  readonly ignored: string[];
}

/** An assistant turn being assembled from its items. */
interface AssistantTurn {
  readonly kind: 'turn';
  content: ContentPart[];
  toolCalls: ToolCall[];
  reasoning: ReasoningBlock[];
}

const MESSAGE_ROLES = new Set(['user', 'assistant', 'system', 'developer']);

export function decodeInput(input: unknown, instructions: string | undefined): DecodedInput {
  const out = new InputBuilder();
  if (instructions !== undefined && instructions !== '') out.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  if (input === undefined || input === null) throw new InvalidRequestError("Missing required parameter: 'input'", 'input', 'missing_parameter');
  if (typeof input === 'string') {
    out.push({ role: 'user', content: [{ type: 'text', text: input }] });
    return out.finish();
  }
  if (!Array.isArray(input)) fail('input', 'a string or an array of input items', input);
  if (input.length === 0) throw new InvalidRequestError("'input' must contain at least one item", 'input');
  input.forEach((item, i) => out.item(item, `input[${i}]`));
  return out.finish();
}

class InputBuilder {
  readonly #messages: (ChatMessage | AssistantTurn)[] = [];
  readonly #ignored: string[] = [];
  /** Reasoning items waiting for the assistant output that follows them, with their paths. */
  #pending: { block: ReasoningBlock; path: string }[] = [];

  push(m: ChatMessage): void {
    this.#dropPending();
    this.#messages.push(m);
  }

  item(item: unknown, path: string): void {
    if (!isObject(item)) fail(path, 'an input item object', item);
    const type = item['type'];
    if (type === undefined || type === null || type === 'message') return this.#message(item, path);
    if (type === 'function_call') return this.#call(item, path);
    if (type === 'function_call_output') return this.#output(item, path);
    if (type === 'reasoning') return this.#reasoning(item, path);
    if (type === 'item_reference') throw statelessRefusal(path, 'a reference to a stored item');
    if (typeof type !== 'string') fail(`${path}.type`, 'an input item type', type);
    throw new UnsupportedParameterError(`${path}.type`, 'this gateway', `('${type}', an item of a tool only OpenAI runs) is not supported by`);
  }

  finish(): DecodedInput {
    this.#dropPending();
    const messages = this.#messages.map((m): ChatMessage => {
      if (!('kind' in m)) return m;
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls.length > 0 ? { toolCalls: m.toolCalls } : {}),
        ...(m.reasoning.length > 0 ? { reasoning: m.reasoning } : {}),
      };
    });
    return { messages, ignored: this.#ignored };
  }

  #message(m: Json, path: string): void {
    const role = m['role'];
    if (typeof role !== 'string' || !MESSAGE_ROLES.has(role)) {
      throw new InvalidRequestError(`Invalid value for '${path}.role': expected one of user, assistant, system, developer; got ${JSON.stringify(role) ?? 'nothing'}`, `${path}.role`);
    }
    const content = decodeContent(m['content'], `${path}.content`);
    if (role !== 'assistant') return this.push({ role: role as 'user' | 'system' | 'developer', content });
    this.#messages.push({ kind: 'turn', content, toolCalls: [], reasoning: this.#takePending() });
  }

  #call(c: Json, path: string): void {
    const args = c['arguments'];
    if (typeof args !== 'string') fail(`${path}.arguments`, 'a JSON string', args);
    const call: ToolCall = { id: requireString(c, 'call_id', `${path}.call_id`), name: requireString(c, 'name', `${path}.name`), arguments: args };
    const last = this.#messages.at(-1);
    if (this.#pending.length === 0 && last !== undefined && 'kind' in last) last.toolCalls.push(call);
    else this.#messages.push({ kind: 'turn', content: [], toolCalls: [call], reasoning: this.#takePending() });
  }

  #output(o: Json, path: string): void {
    const toolCallId = requireString(o, 'call_id', `${path}.call_id`);
    const v = o['output'];
    let content: ContentPart[];
    if (typeof v === 'string') content = [{ type: 'text', text: v }];
    else if (Array.isArray(v)) content = v.map((p, j) => decodePart(p, `${path}.output[${j}]`));
    else if (v === undefined || v === null) throw new InvalidRequestError(`Missing required parameter: '${path}.output'`, `${path}.output`, 'missing_parameter');
    else fail(`${path}.output`, 'a string or an array of content parts', v);
    this.push({ role: 'tool', toolCallId, content });
  }

  #reasoning(r: Json, path: string): void {
    const enc = r['encrypted_content'];
    if (enc !== undefined && enc !== null && typeof enc !== 'string') fail(`${path}.encrypted_content`, 'a string', enc);
    const read = readReasoning(reasoningTextOf(r, path), enc ?? undefined);
    if (read.foreign) this.#ignored.push(`${path}.encrypted_content`);
    if (read.kind === 'empty') this.#ignored.push(path);
    else this.#pending.push({ block: read.block, path });
  }

  #takePending(): ReasoningBlock[] {
    const blocks = this.#pending.map((p) => p.block);
    this.#pending = [];
    return blocks;
  }

  /** Reasoning with no assistant output after it in its turn has nowhere to go. */
  #dropPending(): void {
    for (const p of this.#pending) this.#ignored.push(p.path);
    this.#pending = [];
  }
}

/** The item's raw reasoning text (`content`) if it has any, else its summary. */
function reasoningTextOf(r: Json, path: string): string {
  const texts = (key: 'content' | 'summary'): string[] => {
    const v = r[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(`${path}.${key}`, 'an array', v);
    return v.map((p, j) => {
      const t = isObject(p) ? p['text'] : undefined;
      if (typeof t !== 'string') fail(`${path}.${key}[${j}].text`, 'a string', t);
      return t;
    });
  };
  const content = texts('content');
  if (content.length > 0) return content.join('');
  return texts('summary').join('\n\n');
}

function decodeContent(c: unknown, path: string): ContentPart[] {
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  if (c === undefined || c === null) throw new InvalidRequestError(`Missing required parameter: '${path}'`, path, 'missing_parameter');
  if (!Array.isArray(c)) fail(path, 'a string or an array of content parts', c);
  return c.map((p, i) => decodePart(p, `${path}[${i}]`));
}

function decodePart(p: unknown, path: string): ContentPart {
  if (!isObject(p)) fail(path, 'a content part object', p);
  const type = p['type'];
  if (type === 'input_text' || type === 'output_text') return { type: 'text', text: textField(p, 'text', path) };
  // A refusal in a past assistant turn is what the assistant said.
  if (type === 'refusal') return { type: 'text', text: textField(p, 'refusal', path) };
  if (type === 'input_image') return decodeImage(p, path);
  if (typeof type !== 'string') fail(`${path}.type`, 'a content part type', type);
  // input_file, input_audio…: no canonical form; providers refuse them by name.
  return { type: 'opaque', wireType: type };
}

function textField(p: Json, key: string, path: string): string {
  const t = p[key];
  if (typeof t !== 'string') fail(`${path}.${key}`, 'a string', t);
  return t;
}

function decodeImage(p: Json, path: string): ContentPart {
  const url = p['image_url'];
  if (typeof url !== 'string' || url === '') {
    if (p['file_id'] !== undefined && p['file_id'] !== null) {
      throw new UnsupportedParameterError(`${path}.file_id`, 'this gateway', "(an image in OpenAI's Files API, which only OpenAI can read) is not supported by");
    }
    if (url === undefined || url === null) throw new InvalidRequestError(`Missing required parameter: '${path}.image_url'`, `${path}.image_url`, 'missing_parameter');
    fail(`${path}.image_url`, 'an https or data: URL', url);
  }
  const detail = p['detail'];
  if (detail === undefined || detail === null) return { type: 'image', url };
  if (detail === 'auto' || detail === 'low' || detail === 'high') return { type: 'image', url, detail };
  // 'original' (full resolution) is the nearest the other wires have to 'high'.
  if (detail === 'original') return { type: 'image', url, detail: 'high' };
  return fail(`${path}.detail`, 'auto, low, high or original', detail);
}
