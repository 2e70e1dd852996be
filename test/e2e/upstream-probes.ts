// Reads what a translated request carried on each upstream wire (tests only): the system prompt, the
// images, the tools and the structured-output schema, each where that wire puts it. The suites use
// these to check the body that reached the simulator, not only the answer that came back.
import type { ProviderRow } from './provider-matrix.js';

type Json = Record<string, unknown>;
type Wire = ProviderRow['wire'];

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Every content part of every message/turn, in order. */
function parts(wire: Wire, body: Json): Json[] {
  if (wire === 'gemini') return arr(body['contents']).flatMap((c) => arr(obj(c)['parts']).map(obj));
  return arr(body['messages']).flatMap((m) => arr(obj(m)['content']).map(obj));
}

/** The system prompt's text as the wire carries it. */
export function systemSent(wire: Wire, body: Json): string {
  switch (wire) {
    case 'anthropic':
      return typeof body['system'] === 'string' ? body['system'] : arr(body['system']).map((b) => String(obj(b)['text'] ?? '')).join('');
    case 'gemini':
      return arr(obj(body['systemInstruction'])['parts']).map((p) => String(obj(p)['text'] ?? '')).join('');
    case 'bedrock':
      return arr(body['system']).map((b) => String(obj(b)['text'] ?? '')).join('');
    default: {
      const first = obj(arr(body['messages'])[0]);
      if (first['role'] !== 'system') return '';
      const c = first['content'];
      return typeof c === 'string' ? c : arr(c).map((p) => String(obj(p)['text'] ?? '')).join('');
    }
  }
}

/** Each image as a data: URL (inline bytes) or the URL sent. */
export function imagesSent(wire: Wire, body: Json): string[] {
  const out: string[] = [];
  for (const p of parts(wire, body)) {
    switch (wire) {
      case 'anthropic': {
        if (p['type'] !== 'image') break;
        const s = obj(p['source']);
        out.push(s['type'] === 'base64' ? `data:${String(s['media_type'])};base64,${String(s['data'])}` : String(s['url']));
        break;
      }
      case 'gemini': {
        const d = obj(p['inlineData']);
        if (d['data'] !== undefined) out.push(`data:${String(d['mimeType'])};base64,${String(d['data'])}`);
        const f = obj(p['fileData']);
        if (f['fileUri'] !== undefined) out.push(String(f['fileUri']));
        break;
      }
      case 'bedrock': {
        const img = obj(p['image']);
        if (img['format'] !== undefined) out.push(`data:image/${String(img['format'])};base64,${String(obj(img['source'])['bytes'])}`);
        break;
      }
      default: {
        if (p['type'] !== 'image_url') break;
        const iu = p['image_url'];
        out.push(typeof iu === 'string' ? iu : String(obj(iu)['url']));
      }
    }
  }
  return out;
}

/** The names of the tools offered. */
export function toolsSent(wire: Wire, body: Json): string[] {
  switch (wire) {
    case 'anthropic':
      return arr(body['tools']).map((t) => String(obj(t)['name']));
    case 'gemini':
      return arr(body['tools']).flatMap((t) => arr(obj(t)['functionDeclarations']).map((f) => String(obj(f)['name'])));
    case 'bedrock':
      return arr(obj(body['toolConfig'])['tools']).map((t) => String(obj(obj(t)['toolSpec'])['name']));
    default:
      return arr(body['tools']).map((t) => String(obj(obj(t)['function'])['name']));
  }
}

/** The JSON schema asked for, parsed. */
export function schemaSent(wire: Wire, body: Json): unknown {
  switch (wire) {
    case 'anthropic':
      return obj(obj(body['output_config'])['format'])['schema'];
    case 'gemini':
      return obj(body['generationConfig'])['responseJsonSchema'];
    case 'bedrock': {
      const s = obj(obj(obj(obj(body['outputConfig'])['textFormat'])['structure'])['jsonSchema'])['schema'];
      return typeof s === 'string' ? JSON.parse(s) : undefined;
    }
    case 'cohere':
      return obj(body['response_format'])['json_schema'];
    default:
      return obj(obj(body['response_format'])['json_schema'])['schema'];
  }
}
