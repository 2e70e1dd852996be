// Validates bodies against OpenAI's official OpenAPI spec (../shared/specs/openai-openapi.json).
// The spec lives only beside the repo: where it is absent, callers skip with a visible reason —
// except in CI, where it must be present.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

const SPEC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/specs/openai-openapi.json');

export function specMissingReason(): string | undefined {
  if (existsSync(SPEC)) return undefined;
  if (process.env['CI']) throw new Error(`OpenAI spec missing at ${SPEC}; CI must have ../shared/specs`);
  return `OpenAI OpenAPI spec not found at ${SPEC} (it lives only in shared/); skipping spec validation`;
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Rewrites OpenAPI-isms Ajv does not take: `nullable`, `$recursiveRef`, vendor keywords. */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') || k === 'discriminator' || k === 'example' || k === 'examples') continue;
    if (k === '$recursiveRef') {
      out['$ref'] = v === '#' ? '#' : v;
      continue;
    }
    if (k === '$ref' && typeof v === 'string') {
      out[k] = v.replace('#/components/schemas/', 'spec#/components/schemas/');
      continue;
    }
    out[k] = normalise(v);
  }
  if (out['nullable'] === true) {
    delete out['nullable'];
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out['nullable'];
  return out;
}

function instance(): Ajv2020 {
  if (ajv) return ajv;
  const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'spec', components: { schemas: normalise(spec.components.schemas) } });
  return ajv;
}

/** Returns a list of problems (empty when valid). */
export function validateAgainst(schemaName: string, data: unknown): string[] {
  let v = compiled.get(schemaName);
  if (!v) {
    v = instance().compile({ $ref: `spec#/components/schemas/${schemaName}` });
    compiled.set(schemaName, v);
  }
  if (v(data)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export const SPEC_PATH = join(SPEC);
