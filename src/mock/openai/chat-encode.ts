// Renders a completion plan as OpenAI Chat Completions JSON: one `chat.completion` object, or the
// frames of a data-only SSE stream (providers.md §1). Pure: ids and clock come in the envelope, so the
// server and samples.ts share this code. Strings are assembled by hand because the shape is fixed and
// this is the hot path; every dynamic string goes through JSON.stringify.
//
// A flavour lets Azure add its content-filter members without its own encoder.

import type { CompletionPlan, Delta } from '../completion-plan.js';
import type { StreamFrames } from '../stream-writer.js';
import type { UsageCounts } from '../usage.js';

export interface ChatEnvelope {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly systemFingerprint: string;
}

export interface ChatFlavor {
  /** Raw JSON members (leading comma) appended to a non-streamed completion object. */
  readonly completionMembers: string;
  /** Raw JSON members (leading comma) appended to a choice that carries content. */
  readonly contentChoiceMembers: string;
  /** Same, for a stream's role and finish choices. */
  readonly bareChoiceMembers: string;
  /** Frames sent before the role chunk. */
  readonly leadingFrames: readonly string[];
}

export const OPENAI_FLAVOR: ChatFlavor = Object.freeze({
  completionMembers: '',
  contentChoiceMembers: '',
  bareChoiceMembers: '',
  leadingFrames: [],
});

export const DONE_FRAME = 'data: [DONE]\n\n';

const q = JSON.stringify;

export function encodeUsage(u: UsageCounts): string {
  return (
    `{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},` +
    `"total_tokens":${u.promptTokens + u.completionTokens},` +
    `"prompt_tokens_details":{"cached_tokens":${u.cachedTokens},"audio_tokens":0},` +
    `"completion_tokens_details":{"reasoning_tokens":${u.reasoningTokens},"audio_tokens":0,` +
    `"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

function encodeMessage(plan: CompletionPlan): string {
  if (plan.calls.length === 0) {
    return `{"role":"assistant","content":${q(plan.text)},"refusal":null,"annotations":[]}`;
  }
  let calls = '';
  for (const c of plan.calls) {
    if (calls !== '') calls += ',';
    calls += `{"id":${q(c.id)},"type":"function","function":{"name":${q(c.name)},"arguments":${q(c.arguments)}}}`;
  }
  return `{"role":"assistant","content":null,"tool_calls":[${calls}],"refusal":null,"annotations":[]}`;
}

export function encodeCompletion(env: ChatEnvelope, plan: CompletionPlan, usage: UsageCounts, flavor: ChatFlavor): string {
  return (
    `{"id":${q(env.id)},"object":"chat.completion","created":${env.created},"model":${q(env.model)},` +
    `"choices":[{"index":0,"message":${encodeMessage(plan)},"logprobs":null,"finish_reason":"${plan.finish}"` +
    `${flavor.contentChoiceMembers}}],"usage":${encodeUsage(usage)},"service_tier":"default",` +
    `"system_fingerprint":${q(env.systemFingerprint)}${flavor.completionMembers}}`
  );
}

function encodeDelta(d: Delta): string {
  switch (d.kind) {
    case 'text':
      return `{"content":${q(d.text)}}`;
    case 'tool_start':
      return (
        `{"tool_calls":[{"index":${d.call},"id":${q(d.id)},"type":"function",` +
        `"function":{"name":${q(d.name)},"arguments":""}}]}`
      );
    case 'tool_args':
      return `{"tool_calls":[{"index":${d.call},"function":{"arguments":${q(d.args)}}}]}`;
  }
}

/**
 * The frames of a streamed answer. With `usage` (stream_options.include_usage) every chunk carries
 * `"usage":null` and a last `choices:[]` chunk carries the usage, as OpenAI does.
 */
export function encodeChatStream(
  env: ChatEnvelope,
  plan: CompletionPlan,
  usage: UsageCounts | undefined,
  flavor: ChatFlavor,
): StreamFrames {
  const open =
    `data: {"id":${q(env.id)},"object":"chat.completion.chunk","created":${env.created},"model":${q(env.model)},` +
    `"service_tier":"default","system_fingerprint":${q(env.systemFingerprint)},"choices":[`;
  const close = usage === undefined ? ']}\n\n' : '],"usage":null}\n\n';
  const choice = (delta: string, finish: string, members: string): string =>
    `${open}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}${members}}${close}`;

  const roleContent = plan.calls.length === 0 ? '""' : 'null';
  const head = [
    ...flavor.leadingFrames,
    choice(`{"role":"assistant","content":${roleContent},"refusal":null}`, 'null', flavor.bareChoiceMembers),
  ];
  const deltas = plan.deltas.map((d) => choice(encodeDelta(d), 'null', flavor.contentChoiceMembers));
  const tail = [choice('{}', `"${plan.finish}"`, flavor.bareChoiceMembers)];
  if (usage !== undefined) tail.push(`${open}],"usage":${encodeUsage(usage)}}\n\n`);
  tail.push(DONE_FRAME);
  return { head, deltas, tail };
}
