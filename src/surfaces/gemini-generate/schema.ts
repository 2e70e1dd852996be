// Gemini's `Schema` (an OpenAPI 3.0 subset: `parameters`, `responseSchema`) → JSON Schema, the
// canonical form every other wire expects. The differences that would break another provider:
// upper-case type names (`OBJECT`, `STRING`…), `nullable: true` instead of a `null` type, and the
// Gemini-only `propertyOrdering`. Everything else is already JSON Schema and is kept as sent.
// `parametersJsonSchema` / `responseJsonSchema` are JSON Schema already and do not come here.
import { isObject, type Json } from '../field-checks.js';

export function geminiSchemaToJsonSchema(s: Json): Json {
  const out: Json = {};
  for (const [key, v] of Object.entries(s)) {
    switch (key) {
      case 'type':
        if (typeof v === 'string') {
          if (v !== 'TYPE_UNSPECIFIED') out['type'] = v.toLowerCase();
        } else out['type'] = v;
        break;
      case 'nullable':
      case 'propertyOrdering':
        break;
      case 'properties':
        out['properties'] = isObject(v) ? mapValues(v) : v;
        break;
      case 'items':
        out['items'] = isObject(v) ? geminiSchemaToJsonSchema(v) : v;
        break;
      case 'anyOf':
        out['anyOf'] = Array.isArray(v) ? v.map((x) => (isObject(x) ? geminiSchemaToJsonSchema(x) : x)) : v;
        break;
      case 'example':
        // OpenAPI's single example is JSON Schema's `examples` list.
        out['examples'] = [v];
        break;
      default:
        out[key] = v;
    }
  }
  if (s['nullable'] === true) {
    const t = out['type'];
    if (typeof t === 'string') out['type'] = [t, 'null'];
    else if (Array.isArray(out['anyOf'])) out['anyOf'] = [...(out['anyOf'] as unknown[]), { type: 'null' }];
  }
  return out;
}

function mapValues(props: Json): Json {
  const out: Json = {};
  for (const [name, v] of Object.entries(props)) out[name] = isObject(v) ? geminiSchemaToJsonSchema(v) : v;
  return out;
}
