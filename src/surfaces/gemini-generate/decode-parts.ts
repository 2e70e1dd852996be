// The parts of a Gemini content, checked: one kind of data per part (Gemini's `data` oneof), and the
// plain kinds (text, media, code) decoded into canonical content parts. inlineData images become
// data: URL image parts; other media, fileData (Files API and gs:// URIs mean something only to
// Google), executableCode and codeExecutionResult become opaque parts, refused by wires that cannot
// carry them.
import type { ContentPart } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';
import { fail, isObject, requireString, type Json } from '../field-checks.js';

export const DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'] as const;
export type PartKind = (typeof DATA_FIELDS)[number];

export function partsOf(c: Json, p: string): Json[] {
  const parts = c['parts'];
  if (parts === undefined || parts === null) return [];
  if (!Array.isArray(parts)) fail(`${p}.parts`, 'an array', parts);
  return parts.map((x, j) => (isObject(x) ? x : fail(`${p}.parts[${j}]`, 'a part object', x)));
}

export function kindOf(part: Json, p: string): PartKind | undefined {
  const present = DATA_FIELDS.filter((k) => part[k] !== undefined && part[k] !== null);
  if (present.length > 1) throw new InvalidRequestError(`Invalid value for '${p}': a part holds one kind of data; got ${present.join(' and ')}`, p);
  return present[0];
}

export function noData(p: string): never {
  throw new InvalidRequestError(`Invalid value for '${p}': a part needs one of ${DATA_FIELDS.join(', ')}`, p);
}

/** A part of a plain kind (text, inlineData, fileData, executableCode, codeExecutionResult). */
export function plainPart(part: Json, kind: Exclude<PartKind, 'functionCall' | 'functionResponse'>, p: string): ContentPart {
  switch (kind) {
    case 'text': {
      const t = part['text'];
      if (typeof t !== 'string') fail(`${p}.text`, 'a string', t);
      return { type: 'text', text: t };
    }
    case 'inlineData': {
      const d = part['inlineData'];
      if (!isObject(d)) fail(`${p}.inlineData`, 'an object with mimeType and data', d);
      const mime = requireString(d, 'mimeType', `${p}.inlineData.mimeType`);
      const data = requireString(d, 'data', `${p}.inlineData.data`);
      return mime.toLowerCase().startsWith('image/') ? { type: 'image', url: `data:${mime};base64,${data}` } : { type: 'opaque', wireType: `inlineData:${mime}` };
    }
    case 'fileData': {
      const d = part['fileData'];
      if (!isObject(d)) fail(`${p}.fileData`, 'an object with fileUri', d);
      requireString(d, 'fileUri', `${p}.fileData.fileUri`);
      return { type: 'opaque', wireType: 'fileData' };
    }
    default:
      if (!isObject(part[kind])) fail(`${p}.${kind}`, 'an object', part[kind]);
      return { type: 'opaque', wireType: kind };
  }
}
