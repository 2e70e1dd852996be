// Responses `tools`, `tool_choice` and `text.format` (providers.md §2, §15) → canonical fields.
// Function tools are flat on this wire ({type:"function", name, parameters…}). Built-in tools
// (web_search, file_search, code_interpreter, computer_use, mcp, image_generation, custom…) are kept
// by type in `opaqueTools`, which providers that cannot run them refuse by name. A tool_choice
// that names a built-in tool or an allowed-tools subset has no canonical form and is refused here.
import type { ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import { fail, isObject, optBool, optString, requireString } from '../field-checks.js';

export interface DecodedTools {
  readonly tools?: ToolDefinition[];
  readonly opaqueTools?: string[];
}

export function decodeTools(v: unknown): DecodedTools {
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) fail('tools', 'an array', v);
  const tools: ToolDefinition[] = [];
  const opaque: string[] = [];
  v.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObject(t)) fail(p, 'a tool object', t);
    const type = t['type'];
    if (typeof type !== 'string') fail(`${p}.type`, 'a tool type', type);
    if (type !== 'function') {
      opaque.push(type);
      return;
    }
    const name = requireString(t, 'name', `${p}.name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new InvalidRequestError(`Invalid value for '${p}.name': must match ^[a-zA-Z0-9_-]{1,64}$`, `${p}.name`);
    const params = t['parameters'];
    if (params !== undefined && params !== null && !isObject(params)) fail(`${p}.parameters`, 'a JSON Schema object', params);
    const description = optString(t, 'description', `${p}.description`);
    const strict = optBool(t, 'strict', `${p}.strict`);
    tools.push({ name, ...(description !== undefined ? { description } : {}), ...(isObject(params) ? { parameters: params } : {}), ...(strict !== undefined ? { strict } : {}) });
  });
  return { tools, ...(opaque.length > 0 ? { opaqueTools: opaque } : {}) };
}

export function decodeToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  if (!isObject(v)) return fail('tool_choice', '"none", "auto", "required" or {type:"function", name}', v);
  const type = v['type'];
  if (type === 'function') return { name: requireString(v, 'name', 'tool_choice.name') };
  if (typeof type !== 'string') return fail('tool_choice.type', 'a tool choice type', type);
  throw new UnsupportedParameterError('tool_choice', 'this gateway', `of type '${type}' is not supported by`);
}

export function decodeTextFormat(text: unknown): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isObject(text)) fail('text', 'an object', text);
  const f = text['format'];
  if (f === undefined || f === null) return undefined;
  if (!isObject(f)) fail('text.format', 'an object', f);
  const type = f['type'];
  if (type === 'text' || type === 'json_object') return { type };
  if (type === 'json_schema') {
    const schema = f['schema'];
    if (schema === undefined || schema === null) throw new InvalidRequestError("Missing required parameter: 'text.format.schema'", 'text.format.schema', 'missing_parameter');
    if (!isObject(schema)) fail('text.format.schema', 'a JSON Schema object', schema);
    const strict = optBool(f, 'strict', 'text.format.strict');
    return { type, name: requireString(f, 'name', 'text.format.name'), schema, ...(strict !== undefined ? { strict } : {}) };
  }
  return fail('text.format.type', '"text", "json_object" or "json_schema"', type);
}
