// Canonical embeddings result → OpenAI's embeddings response, for providers whose own wire differs
// (Gemini, Bedrock, Cohere…). `encoding_format: base64` is honoured as OpenAI does it: the vector's
// float32 little-endian bytes, base64-encoded.
import type { EmbeddingsResult } from '../../core/chat.js';

export function encodeEmbeddingsResponse(r: EmbeddingsResult, clientModel: string, format: 'float' | 'base64', promptTokens: number): string {
  const data = r.vectors.map((v, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? toBase64(v) : v }));
  return JSON.stringify({ object: 'list', data, model: clientModel, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
}

function toBase64(v: readonly number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}
