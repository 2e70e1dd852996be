// Gemini `tools` and `toolConfig.functionCallingConfig` (providers.md §5) → canonical tools and
// tool choice.
//
// - functionDeclarations → tools; `parameters` (Gemini's OpenAPI subset) is turned into JSON Schema,
//   `parametersJsonSchema` is kept as sent. Every other tool (googleSearch, codeExecution,
//   urlContext…) → an opaque tool, refused by wires that have no such server tool.
// - mode AUTO / ANY / NONE → auto / required / none. ANY with ONE allowed name → that named tool.
//   Several allowed names have no canonical form: the declarations are narrowed to those names
//   (with the mode's choice), which lets the model call exactly what Gemini would let it call.
// - VALIDATED (calls must follow their schema, text still allowed) → auto with every declaration
//   strict.
import type { ToolChoice, ToolDefinition } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { fail, isObject, optString, requireString, type Json } from '../field-checks.js';
import { geminiSchemaToJsonSchema } from './schema.js';

export interface DecodedTools {
  readonly tools?: readonly ToolDefinition[];
  readonly opaqueTools?: readonly string[];
  readonly toolChoice?: ToolChoice;
}

const FCC = 'toolConfig.functionCallingConfig';
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);

export function decodeTools(toolsValue: unknown, toolConfig: unknown): DecodedTools {
  const { tools, opaqueTools } = declarations(toolsValue);
  const opaque = opaqueTools.length > 0 ? { opaqueTools } : {};
  const fcc = callingConfig(toolConfig);
  if (fcc === undefined) return { ...(tools.length > 0 ? { tools } : {}), ...opaque };

  const mode = optString(fcc, 'mode', `${FCC}.mode`) ?? 'MODE_UNSPECIFIED';
  if (!MODES.has(mode)) throw new InvalidRequestError(`Invalid value for '${FCC}.mode': expected one of AUTO, ANY, NONE, VALIDATED; got ${JSON.stringify(mode)}`, `${FCC}.mode`);
  const names = allowedNames(fcc, tools);
  if (mode === 'NONE') {
    if (names.length > 0) throw new InvalidRequestError(`Invalid value for '${FCC}.allowedFunctionNames': not allowed with mode NONE`, `${FCC}.allowedFunctionNames`);
    return { ...(tools.length > 0 ? { tools } : {}), ...opaque, toolChoice: 'none' };
  }
  const strict = mode === 'VALIDATED';
  let kept = strict ? tools.map((t) => ({ ...t, strict: true })) : tools;
  let toolChoice: ToolChoice | undefined = mode === 'ANY' ? 'required' : mode === 'MODE_UNSPECIFIED' && names.length === 0 ? undefined : 'auto';
  if (mode === 'ANY' && names.length === 1) toolChoice = { name: names[0] as string };
  else if (names.length > 0) kept = kept.filter((t) => names.includes(t.name));
  return { ...(kept.length > 0 ? { tools: kept } : {}), ...opaque, ...(toolChoice !== undefined ? { toolChoice } : {}) };
}

function declarations(v: unknown): { tools: ToolDefinition[]; opaqueTools: string[] } {
  const tools: ToolDefinition[] = [];
  const opaqueTools: string[] = [];
  if (v === undefined || v === null) return { tools, opaqueTools };
  if (!Array.isArray(v)) fail('tools', 'an array', v);
  const names = new Set<string>();
  v.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObject(t)) fail(p, 'a tool object', t);
    for (const [key, val] of Object.entries(t)) {
      if (val === undefined || val === null) continue;
      if (key !== 'functionDeclarations') {
        opaqueTools.push(key);
        continue;
      }
      if (!Array.isArray(val)) fail(`${p}.functionDeclarations`, 'an array', val);
      val.forEach((d, j) => tools.push(declaration(d, `${p}.functionDeclarations[${j}]`, names)));
    }
  });
  return { tools, opaqueTools };
}

function declaration(d: unknown, p: string, names: Set<string>): ToolDefinition {
  if (!isObject(d)) fail(p, 'a function declaration object', d);
  const name = requireString(d, 'name', `${p}.name`);
  if (names.has(name)) throw new InvalidRequestError(`Invalid value for '${p}.name': '${name}' is declared twice`, `${p}.name`);
  names.add(name);
  const description = optString(d, 'description', `${p}.description`);
  const parameters = schema(d, 'parameters', p);
  const jsonSchema = schema(d, 'parametersJsonSchema', p);
  if (parameters !== undefined && jsonSchema !== undefined) {
    throw new InvalidRequestError(`Invalid value for '${p}': set parameters or parametersJsonSchema, not both`, `${p}.parametersJsonSchema`);
  }
  const params = parameters !== undefined ? geminiSchemaToJsonSchema(parameters) : jsonSchema;
  return { name, ...(description !== undefined ? { description } : {}), ...(params !== undefined ? { parameters: params } : {}) };
}

function schema(d: Json, key: string, p: string): Json | undefined {
  const s = d[key];
  if (s === undefined || s === null) return undefined;
  if (!isObject(s)) fail(`${p}.${key}`, 'a schema object', s);
  return s;
}

function callingConfig(v: unknown): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('toolConfig', 'an object', v);
  const fcc = v['functionCallingConfig'];
  if (fcc === undefined || fcc === null) return undefined;
  if (!isObject(fcc)) fail(FCC, 'an object', fcc);
  return fcc;
}

function allowedNames(fcc: Json, tools: readonly ToolDefinition[]): string[] {
  const v = fcc['allowedFunctionNames'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${FCC}.allowedFunctionNames`, 'an array of strings', v);
  return v.map((n, k) => {
    const p = `${FCC}.allowedFunctionNames[${k}]`;
    if (typeof n !== 'string') fail(p, 'a string', n);
    if (!tools.some((t) => t.name === n)) throw new InvalidRequestError(`Invalid value for '${p}': no function declaration is named '${n}'`, p);
    return n;
  });
}
