// The configuration parts of a Converse body (inferenceConfig, toolConfig, outputConfig,
// additionalModelRequestFields, requestMetadata, serviceTier), checked as strictly as the messages.
import { isNonNegativeInteger, isPositiveInteger, isRecord, type JsonRecord } from '../json-shape.js';
import { bad, member, TOOL_ID } from './converse-shape.js';

function checkUnit(v: unknown, key: string): void {
  if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw bad(`inferenceConfig.${key}: expected a number between 0 and 1`, `inferenceConfig.${key}`);
}

export function checkInferenceConfig(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) throw bad('inferenceConfig: expected an object', 'inferenceConfig');
  for (const k of Object.keys(v)) if (!['maxTokens', 'temperature', 'topP', 'stopSequences'].includes(k)) throw bad(`inferenceConfig.${k}: unknown field`, `inferenceConfig.${k}`);
  if (v.maxTokens !== undefined && !isPositiveInteger(v.maxTokens)) throw bad('inferenceConfig.maxTokens: expected an integer of at least 1', 'inferenceConfig.maxTokens');
  checkUnit(v.temperature, 'temperature');
  checkUnit(v.topP, 'topP');
  const stops = v.stopSequences;
  if (stops !== undefined && (!Array.isArray(stops) || !stops.every((s) => typeof s === 'string' && s !== ''))) {
    throw bad('inferenceConfig.stopSequences: expected a list of non-empty strings', 'inferenceConfig.stopSequences');
  }
  return v.maxTokens as number | undefined;
}

export function checkToolConfig(v: unknown): string[] {
  if (v === undefined) return [];
  if (!isRecord(v) || !Array.isArray(v.tools) || v.tools.length === 0) throw bad('toolConfig.tools: expected a non-empty list', 'toolConfig.tools');
  const names: string[] = [];
  v.tools.forEach((t, k) => {
    const [kind, spec] = member(t, `toolConfig.tools.${k}`, new Set(['toolSpec', 'cachePoint', 'systemTool']));
    if (kind !== 'toolSpec') return;
    const at = `toolConfig.tools.${k}.toolSpec`;
    if (!isRecord(spec) || typeof spec.name !== 'string' || !TOOL_ID.test(spec.name)) throw bad(`${at}.name: expected [a-zA-Z0-9_-]{1,64}`, `${at}.name`);
    if (spec.description !== undefined && typeof spec.description !== 'string') throw bad(`${at}.description: expected a string`, `${at}.description`);
    if (!isRecord(spec.inputSchema) || !isRecord(spec.inputSchema.json)) throw bad(`${at}.inputSchema.json: expected a JSON schema object`, `${at}.inputSchema`);
    names.push(spec.name);
  });
  const tc = v.toolChoice;
  if (tc !== undefined) {
    const [kind, value] = member(tc, 'toolConfig.toolChoice', new Set(['auto', 'any', 'tool']));
    if (kind === 'tool' && (!isRecord(value) || typeof value.name !== 'string' || !names.includes(value.name))) {
      throw bad('toolConfig.toolChoice.tool.name: must name one of the offered tools', 'toolConfig.toolChoice.tool.name');
    }
  }
  return names;
}

export function checkOutputConfig(v: unknown): void {
  if (v === undefined) return;
  if (!isRecord(v)) throw bad('outputConfig: expected an object', 'outputConfig');
  if (v.effort !== undefined && !['low', 'medium', 'high', 'xhigh', 'max'].includes(v.effort as string)) {
    throw bad('outputConfig.effort: expected low, medium, high, xhigh or max', 'outputConfig.effort');
  }
  const f = v.textFormat;
  if (f === undefined) return;
  const js = isRecord(f) && f.type === 'json_schema' && isRecord(f.structure) ? f.structure.jsonSchema : undefined;
  let schema: unknown;
  try {
    schema = isRecord(js) && typeof js.schema === 'string' ? JSON.parse(js.schema) : undefined;
  } catch {
    schema = undefined;
  }
  if (!isRecord(schema)) throw bad('outputConfig.textFormat: expected {type: "json_schema", structure: {jsonSchema: {schema: "<a JSON schema as a string>"}}}', 'outputConfig.textFormat');
}

export function checkAdditionalFields(v: unknown, maxTokens: number | undefined): void {
  if (v === undefined) return;
  if (!isRecord(v)) throw bad('additionalModelRequestFields: expected an object', 'additionalModelRequestFields');
  const t = v.thinking;
  if (isRecord(t) && t.type === 'enabled') {
    const b = t.budget_tokens;
    if (!isNonNegativeInteger(b) || b < 1024) throw bad('thinking.budget_tokens: Input should be greater than or equal to 1024', 'additionalModelRequestFields.thinking');
    if (maxTokens !== undefined && b >= maxTokens) throw bad('`max_tokens` must be greater than `thinking.budget_tokens`', 'additionalModelRequestFields.thinking');
  }
  if (v.top_k !== undefined && !isNonNegativeInteger(v.top_k)) throw bad('top_k: expected a non-negative integer', 'additionalModelRequestFields.top_k');
}

export function checkSmallFields(body: JsonRecord): void {
  const md = body.requestMetadata;
  if (md !== undefined && (!isRecord(md) || Object.keys(md).length > 16 || Object.values(md).some((x) => typeof x !== 'string'))) {
    throw bad('requestMetadata: expected at most 16 string values', 'requestMetadata');
  }
  const tier = body.serviceTier;
  if (tier !== undefined && (!isRecord(tier) || !['default', 'flex', 'priority', 'reserved'].includes(tier.type as string))) {
    throw bad('serviceTier.type: expected default, flex, priority or reserved', 'serviceTier.type');
  }
}
