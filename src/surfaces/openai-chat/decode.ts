// OpenAI Chat Completions request body → canonical, frozen ChatRequest. Checks what the gateway
// and every provider rely on and says precisely what is wrong; unknown fields are kept in the
// source body for same-wire relays.
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { fail, isObject, optBool, optInt, optNumber, optString, requireString, type Json } from '../field-checks.js';

export function decodeChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) fail('body', 'a JSON object', body);
  const model = requireString(body, 'model');
  const rawMessages = body['messages'];
  if (rawMessages === undefined) throw new InvalidRequestError("Missing required parameter: 'messages'", 'messages', 'missing_parameter');
  if (!Array.isArray(rawMessages)) fail('messages', 'an array', rawMessages);
  if (rawMessages.length === 0) throw new InvalidRequestError("'messages' must contain at least one message", 'messages');
  const messages = rawMessages.map((m, i) => decodeMessage(m, `messages[${i}]`));

  const stream = optBool(body, 'stream') ?? false;
  const so = body['stream_options'];
  if (so !== undefined && so !== null && !isObject(so)) fail('stream_options', 'an object', so);
  const includeUsage = isObject(so) ? (optBool(so, 'include_usage', 'stream_options.include_usage') ?? false) : false;

  const req: ChatRequest = {
    model,
    messages,
    stream,
    streamIncludeUsage: stream && includeUsage,
    tools: decodeTools(body['tools']),
    toolChoice: decodeToolChoice(body['tool_choice']),
    parallelToolCalls: optBool(body, 'parallel_tool_calls'),
    responseFormat: decodeResponseFormat(body['response_format']),
    stop: decodeStop(body['stop']),
    temperature: optNumber(body, 'temperature', 0, 2),
    topP: optNumber(body, 'top_p', 0, 1),
    maxOutputTokens: optInt(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER) ?? optInt(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER),
    n: optInt(body, 'n', 1, 128),
    seed: optInt(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    logprobs: optBool(body, 'logprobs'),
    topLogprobs: optInt(body, 'top_logprobs', 0, 20),
    reasoningEffort: optString(body, 'reasoning_effort'),
    user: optString(body, 'user'),
    metadata: decodeMetadata(body['metadata']),
    source: { wire: 'openai-chat', body },
  };
  return deepFreeze(req);
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function decodeMessage(m: unknown, path: string): ChatMessage {
  if (!isObject(m)) fail(path, 'a message object', m);
  const role = m['role'];
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw new InvalidRequestError(`Invalid value for '${path}.role': expected one of system, developer, user, assistant, tool; got ${JSON.stringify(role) ?? 'nothing'}`, `${path}.role`);
  }
  const name = optString(m, 'name', `${path}.name`);
  if (role === 'tool' || role === 'function') {
    const toolCallId = role === 'tool' ? requireString(m, 'tool_call_id', `${path}.tool_call_id`) : (name ?? '');
    return { role: 'tool', toolCallId, content: decodeContent(m['content'], `${path}.content`, true) };
  }
  if (role === 'assistant') {
    const toolCalls = decodeToolCalls(m['tool_calls'], `${path}.tool_calls`);
    const content = decodeContent(m['content'], `${path}.content`, toolCalls !== undefined || m['refusal'] !== undefined);
    return { role, content, ...(toolCalls ? { toolCalls } : {}), ...(name ? { name } : {}) };
  }
  const content = decodeContent(m['content'], `${path}.content`, false);
  return { role: role as 'system' | 'developer' | 'user', content, ...(name ? { name } : {}) };
}

function decodeContent(c: unknown, path: string, mayBeEmpty: boolean): ContentPart[] {
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  if (c === undefined || c === null) {
    if (mayBeEmpty) return [];
    throw new InvalidRequestError(`Missing required parameter: '${path}'`, path, 'missing_parameter');
  }
  if (!Array.isArray(c)) fail(path, 'a string or an array of content parts', c);
  return c.map((p, i) => decodePart(p, `${path}[${i}]`));
}

function decodePart(p: unknown, path: string): ContentPart {
  if (!isObject(p)) fail(path, 'a content part object', p);
  const type = p['type'];
  if (type === 'text') return { type: 'text', text: requireText(p, path) };
  if (type === 'image_url') {
    const iu = p['image_url'];
    const url = typeof iu === 'string' ? iu : isObject(iu) ? requireString(iu, 'url', `${path}.image_url.url`) : fail(`${path}.image_url`, 'an object with a url', iu);
    const detail = isObject(iu) ? iu['detail'] : undefined;
    if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') fail(`${path}.image_url.detail`, 'auto, low or high', detail);
    return { type: 'image', url, ...(detail ? { detail } : {}) };
  }
  if (typeof type !== 'string') fail(`${path}.type`, 'a content part type', type);
  // input_audio, file, refusal…: relayed as sent on the OpenAI wire; other wires refuse them.
  return { type: 'opaque', wireType: type };
}

function requireText(p: Json, path: string): string {
  const t = p['text'];
  if (typeof t !== 'string') fail(`${path}.text`, 'a string', t);
  return t;
}

function decodeToolCalls(v: unknown, path: string): ToolCall[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v.map((tc, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(tc)) fail(p, 'a tool call object', tc);
    const fn = tc['function'];
    if (!isObject(fn)) fail(`${p}.function`, 'an object', fn);
    const args = fn['arguments'];
    if (typeof args !== 'string') fail(`${p}.function.arguments`, 'a JSON string', args);
    return { id: requireString(tc, 'id', `${p}.id`), name: requireString(fn, 'name', `${p}.function.name`), arguments: args };
  });
}

function decodeTools(v: unknown): ToolDefinition[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail('tools', 'an array', v);
  return v.map((t, i) => {
    const p = `tools[${i}]`;
    if (!isObject(t)) fail(p, 'a tool object', t);
    if (t['type'] !== 'function') {
      throw new InvalidRequestError(`Invalid value for '${p}.type': only function tools are supported, got ${JSON.stringify(t['type'])}`, `${p}.type`);
    }
    const fn = t['function'];
    if (!isObject(fn)) fail(`${p}.function`, 'an object', fn);
    const name = requireString(fn, 'name', `${p}.function.name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      throw new InvalidRequestError(`Invalid value for '${p}.function.name': must match ^[a-zA-Z0-9_-]{1,64}$`, `${p}.function.name`);
    }
    const params = fn['parameters'];
    if (params !== undefined && !isObject(params)) fail(`${p}.function.parameters`, 'a JSON Schema object', params);
    const description = optString(fn, 'description', `${p}.function.description`);
    const strict = optBool(fn, 'strict', `${p}.function.strict`);
    return { name, ...(description !== undefined ? { description } : {}), ...(params ? { parameters: params } : {}), ...(strict !== undefined ? { strict } : {}) };
  });
}

function decodeToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  if (isObject(v) && v['type'] === 'function' && isObject(v['function'])) {
    return { name: requireString(v['function'], 'name', 'tool_choice.function.name') };
  }
  return fail('tool_choice', '"none", "auto", "required" or {type:"function", function:{name}}', v);
}

function decodeResponseFormat(v: unknown): ResponseFormat | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('response_format', 'an object', v);
  const type = v['type'];
  if (type === 'text' || type === 'json_object') return { type };
  if (type === 'json_schema') {
    const js = v['json_schema'];
    if (!isObject(js)) fail('response_format.json_schema', 'an object', js);
    const schema = js['schema'];
    if (schema !== undefined && !isObject(schema)) fail('response_format.json_schema.schema', 'a JSON Schema object', schema);
    const strict = optBool(js, 'strict', 'response_format.json_schema.strict');
    return { type, name: requireString(js, 'name', 'response_format.json_schema.name'), schema: schema ?? {}, ...(strict !== undefined ? { strict } : {}) };
  }
  return fail('response_format.type', '"text", "json_object" or "json_schema"', type);
}

function decodeStop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  return fail('stop', 'a string or an array of strings', v);
}

function decodeMetadata(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('metadata', 'an object of strings', v);
  for (const [k, val] of Object.entries(v)) if (typeof val !== 'string') fail(`metadata.${k}`, 'a string', val);
  return v as Record<string, string>;
}
