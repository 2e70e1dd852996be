// Gemini GenerateContentRequest (providers.md §5) → canonical, frozen ChatRequest. The model and
// whether it streams come from the path (see path.ts); the whole body is kept in `source`.
//
// Fields without a canonical slot:
// - `cachedContent` (an explicit Gemini context cache) → 400 unsupported_parameter: no other wire
//   can honour it, and answering without it would silently change the prompt;
// - `safetySettings`, `serviceTier` and the output hints listed in geminiIgnoredHints() are hints:
//   left out of the canonical request (the caller logs them), the answer is still the answer asked
//   for;
// - `labels` (Vertex) → metadata.
// A stream always reports usage (Gemini puts usageMetadata in its chunks).
import type { ChatRequest } from '../../core/chat.js';
import { InvalidRequestError, UnsupportedParameterError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';
import { fail, isObject, optString, type Json } from '../field-checks.js';
import { decodeContents, decodeSystemInstruction } from './decode-contents.js';
import { decodeGenerationConfig } from './decode-generation.js';
import { decodeTools } from './decode-tools.js';

export interface GeminiRequestTarget {
  /** The model from the path. */
  readonly model: string;
  /** streamGenerateContent (with alt=sse). */
  readonly stream: boolean;
}

export function decodeGenerateContentRequest(body: unknown, target: GeminiRequestTarget): ChatRequest {
  if (!isObject(body)) fail('body', 'a JSON object', body);
  sameModel(body, target.model);
  if (body['cachedContent'] !== undefined && body['cachedContent'] !== null) {
    throw new UnsupportedParameterError('cachedContent', 'this gateway', '(an explicit Gemini context cache) is not supported by');
  }
  const messages = [...decodeSystemInstruction(body['systemInstruction']), ...decodeContents(body['contents'])];
  const tools = decodeTools(body['tools'], body['toolConfig']);
  const generation = decodeGenerationConfig(body['generationConfig']);
  const metadata = labels(body['labels']);
  const req: ChatRequest = {
    model: target.model,
    messages,
    stream: target.stream,
    streamIncludeUsage: target.stream,
    ...tools,
    ...generation,
    ...(metadata !== undefined ? { metadata } : {}),
    source: { wire: 'gemini-generate', body },
  };
  return deepFreeze(req);
}

/** Hints present in the body that the canonical request leaves out (for the caller's debug log). */
export function geminiIgnoredHints(body: unknown): string[] {
  if (!isObject(body)) return [];
  const found: string[] = [];
  const has = (o: unknown, key: string): boolean => isObject(o) && o[key] !== undefined && o[key] !== null;
  for (const k of ['safetySettings', 'serviceTier']) if (has(body, k)) found.push(k);
  const g = body['generationConfig'];
  for (const k of ['mediaResolution', 'speechConfig', 'imageConfig', 'audioTimestamp', 'enableAffectiveDialog', 'enableEnhancedCivicAnswers', 'routingConfig', 'modelSelectionConfig']) {
    if (has(g, k)) found.push(`generationConfig.${k}`);
  }
  if (isObject(g) && has(g['thinkingConfig'], 'includeThoughts')) found.push('generationConfig.thinkingConfig.includeThoughts');
  const tc = body['toolConfig'];
  if (has(tc, 'retrievalConfig')) found.push('toolConfig.retrievalConfig');
  if (isObject(tc) && has(tc['functionCallingConfig'], 'streamFunctionCallArguments')) found.push('toolConfig.functionCallingConfig.streamFunctionCallArguments');
  return found;
}

/** A body may name its model too (`models/x`); it must be the one in the path. */
function sameModel(body: Json, model: string): void {
  const m = optString(body, 'model');
  if (m === undefined || m === '') return;
  const bare = m.startsWith('models/') ? m.slice('models/'.length) : m;
  if (bare !== model) throw new InvalidRequestError(`Invalid value for 'model': the body names '${m}' but the path names '${model}'`, 'model');
}

function labels(v: unknown): Readonly<Record<string, string>> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('labels', 'an object of strings', v);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') fail(`labels.${k}`, 'a string', x);
  return v as Record<string, string>;
}
