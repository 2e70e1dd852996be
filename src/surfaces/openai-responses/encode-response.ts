// Canonical ChatResponse → a Responses `response` object (providers.md §2), for answers translated
// from another wire. Output items in the order OpenAI writes them: reasoning, the message, then one
// function_call per tool call. A finish of `length` or `content_filter` is `status: "incomplete"`
// with its reason; a choice that ended in error, or without a finish reason, is thrown as an
// UpstreamError so the client gets an error, never an empty 200. Only choice 0 exists on this wire.
import type { ChatRequest, ChatResponse } from '../../core/chat.js';
import { UpstreamError } from '../../core/errors.js';
import { functionCallItem, messageItem, responseIds } from './output-items.js';
import { reasoningItem } from './reasoning-items.js';
import { requestEcho, responseObject, terminalStatus } from './response-object.js';

export interface EncodeResponsesOptions {
  /** The `model` shown to the client (default: the provider's model from the response). */
  readonly model?: string;
  /** The request, for the fields a Response repeats (spec defaults when absent). */
  readonly request?: ChatRequest;
}

export function encodeResponsesResponse(res: ChatResponse, opts: EncodeResponsesOptions = {}): string {
  return JSON.stringify(responsesResponseJson(res, opts));
}

export function responsesResponseJson(res: ChatResponse, opts: EncodeResponsesOptions = {}): Record<string, unknown> {
  const c = res.choices.find((x) => x.index === 0) ?? res.choices[0];
  if (c === undefined) throw new UpstreamError({ status: 502, message: 'The upstream returned no answer', upstreamCode: 'protocol_error', retryable: false });
  const end = terminalStatus(c.finishReason, c.providerFinishReason);
  const ids = responseIds(res.id);
  const output: Record<string, unknown>[] = [];
  for (const r of c.reasoning ?? []) output.push(reasoningItem(ids.item('rs', output.length), r));
  if ((c.text !== null && c.text !== '') || c.toolCalls.length === 0) {
    output.push(messageItem(ids.item('msg', output.length), end.status, c.text ?? ''));
  }
  for (const t of c.toolCalls) output.push(functionCallItem(ids.item('fc', output.length), 'completed', t));
  return responseObject({
    id: ids.response,
    createdAt: res.created,
    model: opts.model ?? res.model,
    status: end.status,
    ...(end.incomplete !== undefined ? { incomplete: end.incomplete } : {}),
    output,
    usage: res.usage,
    echo: requestEcho(opts.request),
  });
}
