// Canonical messages → Gemini `contents` + `systemInstruction` (providers.md §5, §15):
// - system and developer messages, wherever they are, become systemInstruction text parts, in order;
// - roles are `user` and `model`; consecutive turns of one role are merged into one content, so tool
//   results (functionResponse parts, in a user turn) and a user message after them share one turn;
// - assistant tool calls become functionCall parts with `args` parsed into an object and our id kept;
//   a tool result becomes a functionResponse named after the call it answers (Gemini needs the name);
//   its `response` is the result's JSON object, else {"output": text} ({"error": …} for a failed tool)
//   — the keys Google documents for FunctionResponse.response;
// - images arrive as data: URLs (the gateway inlines https URLs for this provider) → inlineData;
// - reasoning goes back as thought parts, and its signatures where Gemini put them: on the turn's
//   functionCall parts, first signature on the first call (Gemini 3 rejects a call turn whose first
//   call lost it), else on the last text part (§0.4).
import type { ChatMessage, ChatRequest, ContentPart, ToolCall } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import type { ParamGate } from '../anthropic/param-gate.js';
import type { GeminiContent, GeminiPart } from './wire-types.js';

export interface EncodedContents {
  readonly contents: GeminiContent[];
  readonly system: { readonly text: string }[];
}

type Role = GeminiContent['role'];

/** data:<mime>;base64,<data> → inlineData. Remote URLs are the gateway's job; one reaching us is refused. */
export function inlineData(url: string, param: string, gate: ParamGate): GeminiPart | undefined {
  if (!url.startsWith('data:')) {
    if (/^https?:\/\//i.test(url)) throw new UnsupportedParameterError(param, gate.target, 'as an image URL (only inline data: URLs reach this provider) is not supported by');
    gate.refuse('image_url', param, 'with a URL that is neither https nor a data: URL is not supported by');
    return undefined;
  }
  const comma = url.indexOf(',');
  const [mimeType = '', ...flags] = (comma === -1 ? '' : url.slice(5, comma)).split(';');
  if (comma === -1 || !flags.includes('base64') || mimeType === '') {
    gate.refuse('image_url', param, 'as a data: URL without a media type and base64 data is not supported by');
    return undefined;
  }
  return { inlineData: { mimeType: mimeType.toLowerCase(), data: url.slice(comma + 1) } };
}

/** `imageRefusal`: why an image is refused in this role; undefined where images are taken. */
function dataParts(parts: readonly ContentPart[], at: string, gate: ParamGate, imageRefusal?: string): GeminiPart[] {
  const out: GeminiPart[] = [];
  parts.forEach((p, j) => {
    const param = `${at}.content[${j}]`;
    if (p.type === 'text') {
      // Gemini refuses empty text parts; an empty string carries nothing.
      if (p.text !== '') out.push({ text: p.text });
    } else if (p.type === 'image') {
      if (imageRefusal !== undefined) {
        gate.refuse('image_url', param, imageRefusal);
        return;
      }
      if (p.detail === 'low' || p.detail === 'high') gate.ignore(`${param}.image_url.detail`);
      const part = inlineData(p.url, param, gate);
      if (part) out.push(part);
    } else {
      gate.refuse(p.wireType, param, `(a '${p.wireType}' part) is not supported by`);
    }
  });
  return out;
}

function args(call: ToolCall, param: string, target: string): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(call.arguments);
  } catch {
    throw new UnsupportedParameterError(param, target, 'must be a JSON object (function call args) for');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UnsupportedParameterError(param, target, 'must be a JSON object (function call args) for');
  return v as Record<string, unknown>;
}

function modelParts(m: Extract<ChatMessage, { role: 'assistant' }>, at: string, gate: ParamGate): GeminiPart[] {
  const thoughts: GeminiPart[] = [];
  const signatures: string[] = [];
  for (const b of m.reasoning ?? []) {
    if (b.type === 'redacted') {
      gate.ignore(`${at}.reasoning`);
      continue;
    }
    if (b.text !== '') thoughts.push({ text: b.text, thought: true });
    if (b.signature !== undefined && b.signature !== '') signatures.push(b.signature);
  }
  const content = dataParts(m.content, at, gate, 'an image in an assistant message is not supported by');
  const calls: GeminiPart[] = (m.toolCalls ?? []).map((c, k) => ({
    functionCall: { id: c.id, name: c.name, args: args(c, `${at}.tool_calls[${k}].function.arguments`, gate.target) },
  }));
  const lastText = content.filter((p) => p.text !== undefined).at(-1) ?? thoughts.at(-1);
  const anchors = calls.length > 0 ? calls : lastText !== undefined ? [lastText] : [];
  signatures.forEach((s, k) => {
    const anchor = anchors[k];
    if (anchor !== undefined) anchor.thoughtSignature = s;
    else gate.ignore(`${at}.reasoning`);
  });
  return [...thoughts, ...content, ...calls];
}

function responseObject(m: Extract<ChatMessage, { role: 'tool' }>, at: string, gate: ParamGate): Record<string, unknown> {
  const text = dataParts(m.content, at, gate, 'an image in a tool result is not supported by')
    .map((p) => p.text ?? '')
    .join('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (m.isError === true) return { error: object ?? text };
  return object ?? { output: text };
}

export function encodeContents(req: ChatRequest, gate: ParamGate): EncodedContents {
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  // The name of every call made so far, by id: a later call with the same id wins, as in the history.
  const callNames = new Map<string, string>();

  const push = (role: Role, parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  req.messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    if ('name' in m && m.name !== undefined) gate.ignore(`${at}.name`);
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const p of dataParts(m.content, at, gate, `an image in a ${m.role} message is not supported by`)) system.push({ text: p.text ?? '' });
        return;
      case 'user':
        push('user', dataParts(m.content, at, gate));
        return;
      case 'assistant':
        for (const c of m.toolCalls ?? []) callNames.set(c.id, c.name);
        push('model', modelParts(m, at, gate));
        return;
      case 'tool': {
        const name = callNames.get(m.toolCallId);
        if (name === undefined) {
          throw new InvalidRequestError(
            `${at} answers tool call '${m.toolCallId}', which no earlier assistant message made; ${gate.target} needs the function's name`,
            `${at}.tool_call_id`,
          );
        }
        push('user', [{ functionResponse: { id: m.toolCallId, name, response: responseObject(m, at, gate) } }]);
        return;
      }
    }
  });
  return { contents, system };
}
