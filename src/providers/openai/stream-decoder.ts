// OpenAI chat-completion SSE → classified frames. Per-attempt state lives in the instance.
import { UpstreamError } from '../../core/errors.js';
import { SseDecoder, type SseEvent } from '../shared/sse-decoder.js';
import type { StreamDecoder, StreamFrame } from '../types.js';
import { usageFromOpenAi } from './usage.js';

interface ChunkShape {
  choices?: Array<{ finish_reason?: string | null; delta?: { content?: string | null; tool_calls?: unknown; refusal?: string | null } }>;
  usage?: unknown;
  error?: { message?: string; type?: string; code?: string | number | null };
}

export class OpenAiStreamDecoder implements StreamDecoder {
  readonly #sse = new SseDecoder();

  push(bytes: Uint8Array): StreamFrame[] {
    return this.#sse.push(bytes).map(classify);
  }

  end(): StreamFrame[] {
    return this.#sse.end().map(classify);
  }
}

function classify(ev: SseEvent): StreamFrame {
  if (ev.comment) return { kind: 'ignored', raw: ev.raw };
  if (ev.data === '[DONE]') return { kind: 'done', raw: ev.raw };
  let chunk: ChunkShape;
  try {
    chunk = JSON.parse(ev.data) as ChunkShape;
  } catch {
    return protocolError(ev.raw, 'an unparseable stream event');
  }
  if (chunk === null || typeof chunk !== 'object') return protocolError(ev.raw, 'a non-object stream event');
  if (chunk.error) {
    const e = chunk.error;
    return {
      kind: 'error',
      raw: ev.raw,
      error: new UpstreamError({
        status: 502,
        message: `upstream error mid-stream: ${e.message ?? 'unknown error'}`,
        upstreamCode: e.code === undefined || e.code === null ? (e.type ?? null) : String(e.code),
        retryable: false,
      }),
    };
  }
  const choices = chunk.choices ?? [];
  if (choices.length === 0 && chunk.usage) {
    const usage = usageFromOpenAi(chunk.usage);
    if (usage) return { kind: 'usage', raw: ev.raw, usage };
  }
  let finished = false;
  let hasOutput = false;
  for (const c of choices) {
    if (c.finish_reason) finished = true;
    const d = c.delta;
    if (d && ((d.content !== undefined && d.content !== null && d.content !== '') || d.tool_calls !== undefined || d.refusal)) hasOutput = true;
  }
  return { kind: 'chunk', raw: ev.raw, finished, hasOutput, usage: chunk.usage ? usageFromOpenAi(chunk.usage) : null };
}

function protocolError(raw: string, what: string): StreamFrame {
  return {
    kind: 'error',
    raw,
    error: new UpstreamError({ status: 502, message: `upstream sent ${what}`, upstreamCode: 'protocol_error', retryable: false }),
  };
}
