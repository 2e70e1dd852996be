// Deterministic embeddings: the same input always gives the same unit vector, different inputs give
// different ones, and nothing is learned or downloaded. The input is hashed (FNV-1a) to seed a small
// PRNG (mulberry32); values are normalised, then rounded to float32 so the JSON floats and the base64
// float32 bytes describe exactly the same vector.

function fnv1a(input: string | readonly number[]): number {
  let h = 0x811c9dc5;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const c = typeof input === 'string' ? input.charCodeAt(i) : (input[i] as number);
    h ^= c & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= c >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  // Tell a string apart from the token array with the same code points.
  return (typeof input === 'string' ? h : Math.imul(h ^ 0x9e3779b9, 0x01000193)) >>> 0;
}

export function embedVector(input: string | readonly number[], dimensions: number): Float32Array {
  let seed = fnv1a(input);
  const raw = new Float64Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const v = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    raw[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = (raw[i] as number) * scale;
  return out;
}

/** base64 of the little-endian float32 bytes, as OpenAI's `encoding_format: "base64"` sends it. */
export function vectorToBase64(v: Float32Array): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i] as number, i * 4);
  return buf.toString('base64');
}
