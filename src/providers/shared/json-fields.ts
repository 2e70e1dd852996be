// Reading untyped JSON from a provider, field by field, without trusting its shape: every decoder
// and error mapper uses these instead of casting.

export type Json = Record<string, unknown>;

/** A JSON object, or undefined for anything else (arrays and null included). */
export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A string field where absent and empty mean the same (stream deltas). */
export function strOrEmpty(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Function-call arguments as JSON text; an object (some wires allow one) is re-serialised. */
export function argumentsText(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : JSON.stringify(v);
}
