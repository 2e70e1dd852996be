// Prompt-size estimate for admission (TPM and worst-case cost), with a real tokenizer (cl100k —
// smaller in memory than o200k, and within a few percent for budgeting). Loaded lazily: a gateway
// without budgets or TPM limits never pays for it.
import type { ChatRequest, EmbeddingsRequest } from '../core/chat.js';

type Counter = (text: string) => number;
let counter: Counter | undefined;
let loading: Promise<Counter> | undefined;

async function load(): Promise<Counter> {
  if (counter) return counter;
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => (counter = m.countTokens));
  return loading;
}

/** Per-message framing tokens (role, separators), as OpenAI counts them. */
const PER_MESSAGE = 4;
const PRIMING = 3;
/** An image's tokens are not knowable without decoding it; a high-detail 1024² image is ~765–1105. */
const PER_IMAGE = 1105;

export async function estimateChatInputTokens(req: ChatRequest): Promise<number> {
  const count = await load();
  let n = PRIMING;
  for (const m of req.messages) {
    n += PER_MESSAGE;
    for (const p of m.content) {
      if (p.type === 'text') n += count(p.text);
      else if (p.type === 'image') n += PER_IMAGE;
    }
    if (m.role === 'assistant') for (const tc of m.toolCalls ?? []) n += count(tc.name) + count(tc.arguments) + PER_MESSAGE;
  }
  if (req.tools) n += count(JSON.stringify(req.tools));
  if (req.responseFormat?.type === 'json_schema') n += count(JSON.stringify(req.responseFormat.schema));
  return n;
}

export async function estimateEmbeddingTokens(req: EmbeddingsRequest): Promise<number> {
  const count = await load();
  let n = 0;
  for (const t of req.texts) n += count(t);
  // Token-id inputs: their length is their count.
  if (req.texts.length === 0) {
    const input = req.source.body['input'];
    if (Array.isArray(input)) for (const x of input) n += Array.isArray(x) ? x.length : 1;
  }
  return n;
}
