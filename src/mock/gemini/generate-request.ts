// Reads a GenerateContentRequest into the few facts the simulator needs, rejecting with a 400 what
// Gemini itself rejects (unknown top-level fields included; `labels` exists on Vertex only).
//
// Prompt tokens (../usage.ts): ceil(chars / 4) + 3 per content (+3 for a system instruction), where
// chars counts contents (request-contents.ts) and the system instruction's text.
import { GatewayError } from '../../core/errors.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';
import { bad, readFields, record, str } from './fields.js';
import type { GeminiFlavor } from './paths.js';
import { checkContents, checkSystemInstruction } from './request-contents.js';
import { checkGenerationConfig } from './request-generation.js';
import { callableTools, checkTools } from './request-tools.js';

export interface GenerateCall {
  readonly model: string;
  /** Functions the simulated model may call (after toolConfig). */
  readonly toolNames: readonly string[];
  readonly maxTokens: number | undefined;
  /** thinkingConfig.includeThoughts: thought parts are returned. */
  readonly includeThoughts: boolean;
  readonly promptTokens: number;
}

const COMMON = ['model', 'contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent', 'serviceTier'];
const TOP_LEVEL: Readonly<Record<GeminiFlavor, ReadonlySet<string>>> = {
  gemini: new Set(COMMON),
  vertex: new Set([...COMMON, 'labels', 'modelArmorConfig']),
};
const SAFETY_FIELDS = new Set(['category', 'threshold', 'method']);

export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw bad('Invalid JSON payload received. Unexpected token.');
  }
}

function checkSafetySettings(v: unknown): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) throw bad(`Invalid value at 'safety_settings' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting), ${JSON.stringify(v)}`, 'safety_settings');
  v.forEach((s: unknown, i: number) => {
    const at = `safety_settings[${i}]`;
    const f = readFields(s, SAFETY_FIELDS, at, 'SafetySetting');
    if (!str(f, 'category', at) || !str(f, 'threshold', at)) throw bad(`* GenerateContentRequest.${at}: category and threshold are required.\n`, at);
  });
}

function checkLabels(f: ReadonlyMap<string, unknown>): void {
  const labels = record(f, 'labels', '');
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== 'string') throw bad(`Invalid value at 'labels[${k}]' (TYPE_STRING), ${JSON.stringify(v)}`, `labels[${k}]`);
  }
}

export function parseGenerateBody(raw: string, model: string, flavor: GeminiFlavor): GenerateCall {
  const f = readFields(parseJsonBody(raw), TOP_LEVEL[flavor], '', 'GenerateContentRequest');
  str(f, 'model', '');
  const { chars, turns } = checkContents(f.get('contents'), flavor);
  const systemChars = checkSystemInstruction(f.get('systemInstruction'));
  const declared = checkTools(f.get('tools'));
  const toolNames = callableTools(f.get('toolConfig'), declared);
  const generation = checkGenerationConfig(f.get('generationConfig'));
  checkSafetySettings(f.get('safetySettings'));
  str(f, 'serviceTier', '');
  checkLabels(f);
  // The simulator keeps no context caches: any name is unknown, as a deleted or foreign cache is.
  const cached = str(f, 'cachedContent', '');
  if (cached !== undefined) throw new GatewayError('NOT_FOUND', 404, 'CachedContent not found (or permission denied)');
  return {
    model,
    toolNames,
    maxTokens: generation.maxTokens,
    includeThoughts: generation.includeThoughts,
    promptTokens: tokensForChars(chars + Math.max(0, systemChars)) + TOKENS_PER_MESSAGE * turns.length + (systemChars < 0 ? 0 : TOKENS_PER_MESSAGE),
  };
}
