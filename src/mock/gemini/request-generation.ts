// `generationConfig` checked like Gemini checks it (ranges, known fields, combinations that it refuses),
// reduced to what the simulated answer depends on: the output cap and whether thoughts are returned.
import { bad, bool, int, join, list, num, readFields, record, str } from './fields.js';

const FIELDS = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount',
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs',
  'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution', 'imageConfig',
  'audioTimestamp', 'routingConfig',
]);
const THINKING_FIELDS = new Set(['includeThoughts', 'thinkingBudget', 'thinkingLevel']);
const LEVELS = new Set(['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);
const MIME_TYPES = new Set(['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum']);
const MODALITIES = new Set(['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'AUDIO']);
const MAX_STOP_SEQUENCES = 5;

export interface GenerationFacts {
  readonly maxTokens: number | undefined;
  readonly includeThoughts: boolean;
}

const AT = 'generation_config';

function range(value: number | undefined, key: string, min: number, max: number): void {
  if (value !== undefined && (value < min || value > max)) {
    throw bad(`* GenerateContentRequest.${join(AT, key)}: ${key} must be in the range [${min}, ${max}].\n`, join(AT, key));
  }
}

function checkThinking(raw: Readonly<Record<string, unknown>> | undefined): boolean {
  if (raw === undefined) return false;
  const at = join(AT, 'thinkingConfig');
  const t = readFields(raw, THINKING_FIELDS, at, 'ThinkingConfig');
  const include = bool(t, 'includeThoughts', at) ?? false;
  const budget = int(t, 'thinkingBudget', at);
  const level = str(t, 'thinkingLevel', at);
  if (budget !== undefined && budget < -1) throw bad(`* GenerateContentRequest.${at}.thinking_budget: must be -1 (dynamic) or at least 0.\n`, `${at}.thinking_budget`);
  if (level !== undefined && !LEVELS.has(level)) {
    throw bad(`Invalid value at '${at}.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), ${JSON.stringify(level)}`, `${at}.thinking_level`);
  }
  if (budget !== undefined && level !== undefined) throw bad('You can only set only one of thinking budget and thinking level.', at);
  return include;
}

export function checkGenerationConfig(raw: unknown): GenerationFacts {
  if (raw === undefined) return { maxTokens: undefined, includeThoughts: false };
  const g = readFields(raw, FIELDS, AT, 'GenerationConfig');
  const stops = list(g, 'stopSequences', AT) ?? [];
  if (!stops.every((s) => typeof s === 'string')) throw bad(`Invalid value at '${AT}.stop_sequences' (TYPE_STRING)`, `${AT}.stop_sequences`);
  if (stops.length > MAX_STOP_SEQUENCES) {
    throw bad(`* GenerateContentRequest.${AT}.stop_sequences: stop_sequences must have at most ${MAX_STOP_SEQUENCES} entries.\n`, `${AT}.stop_sequences`);
  }
  const mime = str(g, 'responseMimeType', AT);
  if (mime !== undefined && !MIME_TYPES.has(mime)) {
    throw bad(
      `* GenerateContentRequest.${AT}.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, \`application/xml\`, \`application/yaml\` and \`text/x.enum\`.\n`,
      `${AT}.response_mime_type`,
    );
  }
  const schema = record(g, 'responseSchema', AT);
  const jsonSchema = record(g, 'responseJsonSchema', AT);
  if (schema !== undefined && jsonSchema !== undefined) throw bad(`* GenerateContentRequest.${AT}: response_schema and response_json_schema cannot both be set.\n`, AT);
  if ((schema !== undefined || jsonSchema !== undefined) && mime !== 'application/json' && mime !== 'text/x.enum') {
    throw bad(`* GenerateContentRequest.${AT}.response_mime_type: response_mime_type must be application/json or text/x.enum when a response schema is set.\n`, `${AT}.response_mime_type`);
  }
  for (const m of list(g, 'responseModalities', AT) ?? []) {
    if (typeof m !== 'string' || !MODALITIES.has(m)) throw bad(`Invalid value at '${AT}.response_modalities' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), ${JSON.stringify(m)}`, `${AT}.response_modalities`);
  }
  range(int(g, 'candidateCount', AT), 'candidateCount', 1, 8);
  const maxTokens = int(g, 'maxOutputTokens', AT);
  range(maxTokens, 'maxOutputTokens', 1, 1_000_000);
  range(num(g, 'temperature', AT), 'temperature', 0, 2);
  range(num(g, 'topP', AT), 'topP', 0, 1);
  range(int(g, 'topK', AT), 'topK', 1, 1_000_000);
  int(g, 'seed', AT);
  num(g, 'presencePenalty', AT);
  num(g, 'frequencyPenalty', AT);
  const logprobs = bool(g, 'responseLogprobs', AT);
  const top = int(g, 'logprobs', AT);
  range(top, 'logprobs', 0, 20);
  if (top !== undefined && logprobs !== true) throw bad(`* GenerateContentRequest.${AT}.logprobs: logprobs can only be set when response_logprobs is true.\n`, `${AT}.logprobs`);
  return { maxTokens, includeThoughts: checkThinking(record(g, 'thinkingConfig', AT)) };
}
