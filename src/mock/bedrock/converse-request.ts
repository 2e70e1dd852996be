// Reads a Converse / ConverseStream body into the few facts the simulator needs, rejecting with a 400
// ValidationException what Bedrock rejects — strictly (unknown fields too, which Bedrock may merely
// ignore), so a gateway's translation mistakes show up here: a conversation that does not start with
// a user turn or does not alternate, blank text, content blocks with other than exactly one member,
// images in formats other than png/jpeg/gif/webp or by URL, toolUse/toolResult that do not pair up,
// tool blocks without toolConfig, a json_schema that is not a JSON string, temperature above 1.
//
// Prompt tokens (../usage.ts): ceil(chars / 4) + 3 per message (+3 for a system prompt), where chars
// counts system text, text blocks, toolUse name + JSON input, and toolResult text/JSON.
import { isRecord } from '../json-shape.js';
import { tokensForChars, TOKENS_PER_MESSAGE } from '../usage.js';
import { checkAdditionalFields, checkInferenceConfig, checkOutputConfig, checkSmallFields, checkToolConfig } from './converse-config.js';
import { bad, member, parseJsonObject, TOOL_ID } from './converse-shape.js';

export interface ConverseCall {
  /** inferenceConfig.maxTokens, when set (Converse does not require it). */
  readonly maxTokens: number | undefined;
  /** Names of the offered tools, in order. */
  readonly toolNames: readonly string[];
  readonly promptTokens: number;
}

const TOP_LEVEL = new Set([
  'messages', 'system', 'inferenceConfig', 'toolConfig', 'guardrailConfig', 'additionalModelRequestFields',
  'promptVariables', 'additionalModelResponseFieldPaths', 'requestMetadata', 'performanceConfig', 'outputConfig', 'serviceTier',
]);
const BLOCK_MEMBERS = new Set([
  'text', 'image', 'document', 'video', 'audio', 'toolUse', 'toolResult', 'guardContent', 'cachePoint',
  'reasoningContent', 'citationsContent', 'searchResult',
]);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

function checkText(v: unknown, at: string): number {
  if (typeof v !== 'string') throw bad(`${at}.text: expected a string`, `${at}.text`);
  if (v.trim() === '') throw bad(`The text field in the ContentBlock object at ${at} is blank. Add text to the text field, and try again.`, at);
  return v.length;
}

function checkImage(v: unknown, at: string): void {
  if (!isRecord(v) || !IMAGE_FORMATS.has(v.format as string)) throw bad(`${at}.image.format: expected one of png, jpeg, gif, webp`, `${at}.image.format`);
  const s = v.source;
  const ok = isRecord(s) && ((typeof s.bytes === 'string' && s.bytes !== '') || isRecord(s.s3Location));
  if (!ok) throw bad(`${at}.image.source: expected {bytes} (base64) or {s3Location}; Bedrock does not fetch URLs`, `${at}.image.source`);
}

function checkToolResult(v: unknown, at: string): { id: string; chars: number } {
  if (!isRecord(v) || typeof v.toolUseId !== 'string' || !TOOL_ID.test(v.toolUseId)) throw bad(`${at}.toolResult.toolUseId: expected [a-zA-Z0-9_-]{1,64}`, `${at}.toolResult.toolUseId`);
  if (v.status !== undefined && v.status !== 'success' && v.status !== 'error') throw bad(`${at}.toolResult.status: expected success or error`, `${at}.toolResult.status`);
  if (!Array.isArray(v.content)) throw bad(`${at}.toolResult.content: expected a list`, `${at}.toolResult.content`);
  let chars = 0;
  v.content.forEach((c, k) => {
    const where = `${at}.toolResult.content.${k}`;
    const [kind, value] = member(c, where, new Set(['text', 'json', 'image', 'document', 'video', 'searchResult']));
    if (kind === 'text') chars += checkText(value, where);
    else if (kind === 'json') chars += JSON.stringify(value).length;
    else if (kind === 'image') checkImage(value, where);
  });
  return { id: v.toolUseId, chars };
}

interface CheckedMessage {
  readonly role: 'user' | 'assistant';
  readonly toolUses: readonly string[];
  readonly toolResults: readonly string[];
}

function checkMessage(m: unknown, i: number): { message: CheckedMessage; chars: number } {
  const at = `messages.${i}`;
  if (!isRecord(m)) throw bad(`${at}: expected an object`, at);
  if (m.role !== 'user' && m.role !== 'assistant') throw bad(`${at}.role: expected user or assistant`, `${at}.role`);
  const role = m.role;
  if (!Array.isArray(m.content) || m.content.length === 0) throw bad(`${at}.content: expected a non-empty list of content blocks`, `${at}.content`);
  let chars = 0;
  const toolUses: string[] = [];
  const toolResults: string[] = [];
  m.content.forEach((b, j) => {
    const where = `${at}.content.${j}`;
    const [kind, v] = member(b, where, BLOCK_MEMBERS);
    switch (kind) {
      case 'text':
        chars += checkText(v, where);
        break;
      case 'image':
        checkImage(v, where);
        break;
      case 'toolUse': {
        if (role !== 'assistant') throw bad(`${where}: toolUse blocks are only allowed in assistant messages`, where);
        if (!isRecord(v) || typeof v.toolUseId !== 'string' || !TOOL_ID.test(v.toolUseId)) throw bad(`${where}.toolUse.toolUseId: expected [a-zA-Z0-9_-]{1,64}`, `${where}.toolUse.toolUseId`);
        if (typeof v.name !== 'string' || v.name === '') throw bad(`${where}.toolUse.name: required`, `${where}.toolUse.name`);
        if (!isRecord(v.input)) throw bad(`${where}.toolUse.input: expected a JSON object`, `${where}.toolUse.input`);
        toolUses.push(v.toolUseId);
        chars += v.name.length + JSON.stringify(v.input).length;
        break;
      }
      case 'toolResult': {
        if (role !== 'user') throw bad(`${where}: toolResult blocks are only allowed in user messages`, where);
        const r = checkToolResult(v, where);
        toolResults.push(r.id);
        chars += r.chars;
        break;
      }
      case 'reasoningContent': {
        if (role !== 'assistant') throw bad(`${where}: reasoningContent blocks are only allowed in assistant messages`, where);
        const [, rv] = member(v, `${where}.reasoningContent`, new Set(['reasoningText', 'redactedContent']));
        if (isRecord(rv) && typeof rv.text !== 'string') throw bad(`${where}.reasoningContent.reasoningText.text: required`, where);
        break;
      }
      case 'cachePoint':
        if (!isRecord(v) || v.type !== 'default' || (v.ttl !== undefined && v.ttl !== '5m' && v.ttl !== '1h')) {
          throw bad(`${where}.cachePoint: expected {type: "default", ttl?: "5m" | "1h"}`, `${where}.cachePoint`);
        }
        break;
      default:
        break; // document, video, audio, guardContent…: accepted, not counted
    }
  });
  return { message: { role, toolUses, toolResults }, chars };
}

/** Turns alternate, starting with the user; each toolUse is answered in the very next turn. */
function checkConversation(messages: readonly CheckedMessage[]): void {
  messages.forEach((m, i) => {
    if (i === 0 && m.role !== 'user') throw bad('A conversation must start with a user message. Try again with a conversation that starts with a user message.', 'messages.0');
    if (i > 0 && messages[i - 1]?.role === m.role) {
      throw bad('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.', `messages.${i}`);
    }
    const prev = messages[i - 1];
    const offered = new Set(prev?.toolUses ?? []);
    if (m.toolResults.length > offered.size) {
      throw bad(`The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`, `messages.${i}`);
    }
    for (const id of m.toolResults) if (!offered.has(id)) throw bad(`messages.${i}.content: toolResult ${id} does not answer a toolUse of the previous turn.`, `messages.${i}`);
    const next = messages[i + 1];
    if (m.toolUses.length > 0 && next !== undefined) {
      const answered = new Set(next.toolResults);
      const missing = m.toolUses.filter((id) => !answered.has(id));
      if (missing.length > 0) throw bad(`Expected toolResult blocks at messages.${i + 1}.content for the following Ids: ${missing.join(', ')}`, `messages.${i + 1}`);
    }
  });
}

function checkSystem(v: unknown): number {
  if (v === undefined) return -1;
  if (!Array.isArray(v)) throw bad('system: expected a list of system content blocks', 'system');
  let chars = 0;
  v.forEach((b, k) => {
    const [kind, value] = member(b, `system.${k}`, new Set(['text', 'guardContent', 'cachePoint']));
    if (kind === 'text') chars += checkText(value, `system.${k}`);
  });
  return chars;
}

export function parseConverseBody(raw: string): ConverseCall {
  const body = parseJsonObject(raw);
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`Malformed input request: extraneous key [${key}] is not permitted, please reformat your input and try again.`, key);
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw bad('messages: expected a non-empty list', 'messages');
  let chars = 0;
  const messages = body.messages.map((m, i) => {
    const r = checkMessage(m, i);
    chars += r.chars;
    return r.message;
  });
  checkConversation(messages);
  const systemChars = checkSystem(body.system);
  const maxTokens = checkInferenceConfig(body.inferenceConfig);
  const toolNames = checkToolConfig(body.toolConfig);
  if (body.toolConfig === undefined && messages.some((m) => m.toolUses.length > 0 || m.toolResults.length > 0)) {
    throw bad('The toolConfig field must be defined when using toolUse and toolResult content blocks.', 'toolConfig');
  }
  checkAdditionalFields(body.additionalModelRequestFields, maxTokens);
  checkOutputConfig(body.outputConfig);
  checkSmallFields(body);
  const systemTokens = systemChars < 0 ? 0 : TOKENS_PER_MESSAGE;
  return {
    maxTokens,
    toolNames,
    promptTokens: tokensForChars(chars + Math.max(0, systemChars)) + TOKENS_PER_MESSAGE * messages.length + systemTokens,
  };
}
