// `tools` and `toolConfig` checked like Gemini does, and what they let the simulated model call:
// mode NONE → nothing; ANY with allowedFunctionNames → only those; otherwise every declared function.
import { isRecord } from '../json-shape.js';
import { bad, join, list, readFields, record, str } from './fields.js';

const TOOL_FIELDS = new Set([
  'functionDeclarations', 'googleSearch', 'googleSearchRetrieval', 'codeExecution', 'urlContext', 'retrieval',
  'enterpriseWebSearch', 'googleMaps', 'computerUse', 'fileSearch',
]);
const DECLARATION_FIELDS = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior']);
const TOOL_CONFIG_FIELDS = new Set(['functionCallingConfig', 'retrievalConfig', 'includeServerSideToolInvocations']);
const CALLING_FIELDS = new Set(['mode', 'allowedFunctionNames', 'streamFunctionCallArguments']);
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/** Declared function names, in order. */
export function checkTools(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad(`Invalid value at 'tools' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), ${JSON.stringify(raw)}`, 'tools');
  const names: string[] = [];
  raw.forEach((t: unknown, i: number) => {
    const at = `tools[${i}]`;
    const f = readFields(t, TOOL_FIELDS, at, 'Tool');
    for (const [key, v] of f) if (key !== 'functionDeclarations' && !isRecord(v)) throw bad(`Invalid value at '${join(at, key)}', ${JSON.stringify(v)}`, join(at, key));
    (list(f, 'functionDeclarations', at) ?? []).forEach((d: unknown, k: number) => {
      const dat = `${join(at, 'functionDeclarations')}[${k}]`;
      const df = readFields(d, DECLARATION_FIELDS, dat, 'FunctionDeclaration');
      const name = str(df, 'name', dat) ?? '';
      if (!FUNCTION_NAME.test(name)) {
        throw bad(
          `* GenerateContentRequest.${dat}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n`,
          join(dat, 'name'),
        );
      }
      str(df, 'description', dat);
      record(df, 'parameters', dat);
      record(df, 'parametersJsonSchema', dat);
      if (df.has('parameters') && df.has('parametersJsonSchema')) {
        throw bad(`* GenerateContentRequest.${dat}: parameters and parameters_json_schema cannot both be set.\n`, dat);
      }
      names.push(name);
    });
  });
  return names;
}

/** The functions the model may call under `toolConfig`. */
export function callableTools(raw: unknown, declared: readonly string[]): string[] {
  if (raw === undefined) return [...declared];
  const f = readFields(raw, TOOL_CONFIG_FIELDS, 'tool_config', 'ToolConfig');
  const fcc = f.get('functionCallingConfig');
  if (fcc === undefined) return [...declared];
  const at = 'tool_config.function_calling_config';
  const c = readFields(fcc, CALLING_FIELDS, at, 'FunctionCallingConfig');
  const mode = str(c, 'mode', at) ?? 'MODE_UNSPECIFIED';
  if (!MODES.has(mode)) {
    throw bad(`Invalid value at '${at}.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), ${JSON.stringify(mode)}`, `${at}.mode`);
  }
  const allowed = list(c, 'allowedFunctionNames', at) ?? [];
  if (allowed.length > 0 && mode !== 'ANY') {
    throw bad(`* GenerateContentRequest.${at}.allowed_function_names: allowed_function_names may only be set when mode is ANY.\n`, `${at}.allowed_function_names`);
  }
  for (const n of allowed) {
    if (typeof n !== 'string' || !declared.includes(n)) {
      throw bad(`* GenerateContentRequest.${at}.allowed_function_names: ${JSON.stringify(n)} is not the name of a declared function.\n`, `${at}.allowed_function_names`);
    }
  }
  if (mode === 'NONE') return [];
  return allowed.length > 0 ? (allowed as string[]) : [...declared];
}
