// Canonical ChatResponse → OpenAI `chat.completion` JSON (providers.md §1), for answers translated
// from another wire. Reasoning text has no place on OpenAI's Chat wire and is not sent (its tokens
// are in usage). A choice that ended in error, or without a finish reason, is not a success: it is
// thrown as an UpstreamError so the client gets an error, never an empty 200.
import type { ChatChoice, ChatResponse, FinishReason } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import { openAiUsage } from './usage-json.js';

export type OpenAiFinishReason = Exclude<FinishReason, 'error'>;

export interface EncodeResponseOptions {
  /** The `model` shown to the client (default: the provider's model from the response). */
  readonly model?: string;
}

/** A finish reason OpenAI clients understand, or the error that must reach them instead. */
export function openAiFinishReason(c: Pick<ChatChoice, 'finishReason' | 'providerFinishReason'>): OpenAiFinishReason {
  if (c.finishReason === null || c.finishReason === 'error') {
    const why = c.providerFinishReason ?? (c.finishReason === null ? 'no finish reason' : 'error');
    throw new UpstreamError({
      status: 502,
      message: `The upstream ended the answer without success (${why})`,
      upstreamCode: c.providerFinishReason ?? null,
      retryable: false,
    });
  }
  return c.finishReason;
}

function message(c: ChatChoice): Record<string, unknown> {
  const m: Record<string, unknown> = { role: 'assistant', content: c.text, refusal: null };
  if (c.toolCalls.length > 0) {
    m['tool_calls'] = c.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
  }
  return m;
}

export function encodeChatCompletion(res: ChatResponse, opts: EncodeResponseOptions = {}): string {
  const body: Record<string, unknown> = {
    id: res.id,
    object: 'chat.completion',
    created: res.created,
    model: opts.model ?? res.model,
    choices: res.choices.map((c) => ({ index: c.index, message: message(c), logprobs: null, finish_reason: openAiFinishReason(c) })),
  };
  if (res.usage !== null) body['usage'] = openAiUsage(res.usage);
  return JSON.stringify(body);
}
