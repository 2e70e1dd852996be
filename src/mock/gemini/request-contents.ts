// `contents` and `systemInstruction` checked as strictly as Gemini checks them, so a gateway's
// translation mistakes surface here: roles other than user/model, empty parts, a part with no data or
// two kinds of data, non-base64 bytes, function calls outside model turns, and function responses that
// do not answer the function-call turn right before them (same count, known names). Messages quoted
// from Gemini where known; the rest are the simulator's wording in the same style.
//
// Characters counted for the prompt (../usage.ts): text (thoughts included), function-call name +
// JSON args, function-response name + JSON response.
import { isRecord } from '../json-shape.js';
import { bad, bool, bytes, join, readFields, record, str, type Fields } from './fields.js';
import type { GeminiFlavor } from './paths.js';

const PART_FIELDS = new Set([
  'text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult',
  'thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution',
]);
const DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'] as const;
const CONTENT_FIELDS = new Set(['role', 'parts']);
const BLOB_FIELDS = new Set(['mimeType', 'data', 'displayName']);
const FILE_FIELDS = new Set(['mimeType', 'fileUri', 'displayName']);
const CALL_FIELDS = new Set(['id', 'name', 'args', 'partialArgs', 'willContinue']);
const RESPONSE_FIELDS = new Set(['id', 'name', 'response', 'parts', 'willContinue', 'scheduling']);

export interface CheckedTurn {
  readonly role: 'user' | 'model';
  /** Names of the function calls (model) or responses (user) in this turn, in order. */
  readonly calls: readonly string[];
  readonly responses: readonly string[];
}

export interface CheckedContents {
  readonly chars: number;
  readonly turns: readonly CheckedTurn[];
}

function requireName(f: Fields, at: string): string {
  const name = str(f, 'name', at);
  if (name === undefined || name === '') throw bad(`* GenerateContentRequest.${join(at, 'name')}: Name cannot be empty.\n`, join(at, 'name'));
  return name;
}

/** One part: its data kind and the characters it adds. */
function checkPart(raw: unknown, at: string, role: 'user' | 'model', flavor: GeminiFlavor): { kind: string; chars: number; name?: string } {
  const f = readFields(raw, PART_FIELDS, at, 'Part');
  bool(f, 'thought', at);
  const signature = bytes(f, 'thoughtSignature', at);
  const text = str(f, 'text', at);
  // proto3: an empty string is an unset field, so `text: ""` carries no data.
  const kinds = DATA.filter((k) => f.has(k) && !(k === 'text' && text === ''));
  if (kinds.length > 1) throw bad(`Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${kinds[1] as string}'`, at);
  const kind = kinds[0];
  if (kind === undefined) {
    if (signature !== undefined && signature !== '') return { kind: 'signature', chars: 0 };
    if (flavor === 'vertex' && text === '') throw bad('Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.', join(at, 'text'));
    throw bad(`* GenerateContentRequest.${at}.data: required oneof field 'data' must have one initialized field\n`, `${at}.data`);
  }
  switch (kind) {
    case 'text':
      return { kind, chars: (text as string).length };
    case 'inlineData': {
      const at2 = join(at, 'inlineData');
      const b = readFields(f.get(kind), BLOB_FIELDS, at2, 'Blob');
      if (!str(b, 'mimeType', at2)) throw bad(`* GenerateContentRequest.${at2}.mime_type: MIME type cannot be empty.\n`, join(at2, 'mimeType'));
      if (!bytes(b, 'data', at2)) throw bad(`* GenerateContentRequest.${at2}.data: data cannot be empty.\n`, join(at2, 'data'));
      return { kind, chars: 0 };
    }
    case 'fileData': {
      const at2 = join(at, 'fileData');
      const d = readFields(f.get(kind), FILE_FIELDS, at2, 'FileData');
      if (!str(d, 'fileUri', at2)) throw bad(`* GenerateContentRequest.${at2}.file_uri: File URI cannot be empty.\n`, join(at2, 'fileUri'));
      return { kind, chars: 0 };
    }
    case 'functionCall': {
      const at2 = join(at, 'functionCall');
      if (role !== 'model') throw bad(`* GenerateContentRequest.${at2}: function calls are only allowed in model turns.\n`, at2);
      const c = readFields(f.get(kind), CALL_FIELDS, at2, 'FunctionCall');
      str(c, 'id', at2);
      const name = requireName(c, at2);
      const args = record(c, 'args', at2) ?? {};
      return { kind, chars: name.length + JSON.stringify(args).length, name };
    }
    case 'functionResponse': {
      const at2 = join(at, 'functionResponse');
      if (role !== 'user') throw bad(`* GenerateContentRequest.${at2}: function responses are only allowed in user turns.\n`, at2);
      const r = readFields(f.get(kind), RESPONSE_FIELDS, at2, 'FunctionResponse');
      str(r, 'id', at2);
      const name = requireName(r, at2);
      const response = record(r, 'response', at2);
      if (response === undefined) throw bad(`* GenerateContentRequest.${join(at2, 'response')}: response is required.\n`, join(at2, 'response'));
      return { kind, chars: name.length + JSON.stringify(response).length, name };
    }
    default:
      if (!isRecord(f.get(kind))) throw bad(`Invalid value at '${join(at, kind)}', ${JSON.stringify(f.get(kind))}`, join(at, kind));
      return { kind, chars: 0 };
  }
}

function checkTurn(raw: unknown, i: number, flavor: GeminiFlavor): { turn: CheckedTurn; chars: number } {
  const at = `contents[${i}]`;
  const f = readFields(raw, CONTENT_FIELDS, at, 'Content');
  const rawRole = str(f, 'role', at);
  // An unset role reads as user.
  if (rawRole !== undefined && rawRole !== '' && rawRole !== 'user' && rawRole !== 'model') throw bad('Please use a valid role: user, model.', join(at, 'role'));
  const role = rawRole === 'model' ? 'model' : 'user';
  const parts = f.get('parts');
  if (parts !== undefined && !Array.isArray(parts)) throw bad(`Invalid value at '${at}.parts' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part), ${JSON.stringify(parts)}`, `${at}.parts`);
  if (parts === undefined || parts.length === 0) throw bad(`* GenerateContentRequest.${at}.parts: contents.parts must not be empty.\n`, `${at}.parts`);
  let chars = 0;
  const calls: string[] = [];
  const responses: string[] = [];
  parts.forEach((p: unknown, j: number) => {
    const r = checkPart(p, `${at}.parts[${j}]`, role, flavor);
    chars += r.chars;
    if (r.kind === 'functionCall') calls.push(r.name as string);
    if (r.kind === 'functionResponse') responses.push(r.name as string);
  });
  return { turn: { role, calls, responses }, chars };
}

function checkPairing(turns: readonly CheckedTurn[]): void {
  turns.forEach((t, i) => {
    const prev = turns[i - 1];
    if (t.calls.length > 0 && prev?.role !== 'user') {
      throw bad('Please ensure that function call turn comes immediately after a user turn or after a function response turn.', `contents[${i}]`);
    }
    if (t.responses.length === 0) return;
    if (prev === undefined || prev.calls.length === 0) throw bad('Please ensure that function response turn comes immediately after a function call turn.', `contents[${i}]`);
    if (t.responses.length !== prev.calls.length) {
      throw bad('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.', `contents[${i}]`);
    }
    const open = [...prev.calls];
    for (const name of t.responses) {
      const k = open.indexOf(name);
      if (k === -1) throw bad(`* GenerateContentRequest.contents[${i}]: function response '${name}' answers no function call of the turn before it.\n`, `contents[${i}]`);
      open.splice(k, 1);
    }
  });
}

export function checkContents(raw: unknown, flavor: GeminiFlavor): CheckedContents {
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) throw bad('* GenerateContentRequest.contents: contents is not specified\n', 'contents');
  if (!Array.isArray(raw)) throw bad(`Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(raw)}`, 'contents');
  let chars = 0;
  const turns = raw.map((c: unknown, i: number) => {
    const r = checkTurn(c, i, flavor);
    chars += r.chars;
    return r.turn;
  });
  checkPairing(turns);
  return { chars, turns };
}

/** Text parts only; returns the characters, or -1 when absent. */
export function checkSystemInstruction(raw: unknown): number {
  if (raw === undefined) return -1;
  const at = 'system_instruction';
  const f = readFields(raw, CONTENT_FIELDS, at, 'Content');
  str(f, 'role', at);
  const parts = f.get('parts');
  if (!Array.isArray(parts) || parts.length === 0) throw bad(`* GenerateContentRequest.${at}.parts: contents.parts must not be empty.\n`, `${at}.parts`);
  let chars = 0;
  parts.forEach((p: unknown, j: number) => {
    const pat = `${at}.parts[${j}]`;
    const pf = readFields(p, PART_FIELDS, pat, 'Part');
    const text = str(pf, 'text', pat);
    if (text === undefined || [...pf.keys()].some((k) => k !== 'text')) throw bad(`* GenerateContentRequest.${pat}: system instructions hold text parts only.\n`, pat);
    chars += text.length;
  });
  return chars;
}
