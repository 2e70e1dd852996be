// Encoding for the OpenAI wire. A request that arrived on the same wire is relayed as the client
// sent it — same keys, same order, unknown fields kept — with exactly two changes: the model is
// renamed to the deployment's, and streams ask for usage (so every stream can be billed).
import type { ChatRequest, EmbeddingsRequest } from '../../core/chat.js';

export function openAiChatBody(req: ChatRequest, model: string): string {
  const body: Record<string, unknown> = { ...req.source.body, model };
  if (req.stream) {
    const so = req.source.body['stream_options'];
    body['stream_options'] = { ...(so !== null && typeof so === 'object' ? so : {}), include_usage: true };
  }
  return JSON.stringify(body);
}

export function openAiEmbeddingsBody(req: EmbeddingsRequest, model: string): string {
  return JSON.stringify({ ...req.source.body, model });
}
