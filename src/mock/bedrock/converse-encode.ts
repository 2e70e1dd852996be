// Renders a completion plan as Bedrock Converse output (providers.md §6): one JSON answer, or the
// binary event-stream messages of ConverseStream. Pure: the server and samples.ts share this code.
//
// Stream layout: messageStart, the reasoning block when reasoning tokens were scripted (block 0:
// text deltas, a signature delta, contentBlockStop), then content blocks — one text block (no
// contentBlockStart, as Bedrock sends text), or one toolUse block per call, one after another
// (contentBlockStart with toolUseId and name, input deltas as partial JSON, contentBlockStop) —
// then messageStop with the stopReason, then metadata with usage and metrics. Each payload carries
// Bedrock's `p` padding field, which clients must ignore.
//
// Frame accounting for cut_after / error_after (event-stream-writer.ts): one `deltas` entry per plan
// delta. A call's first delta also closes the previous call's block and opens its own.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { CompletionPlan, Delta, FinishReason } from '../completion-plan.js';
import { usageJson, type BedrockUsageCounts } from './usage.js';

export const REASONING_TEXT = ['Let me think', ' this through.'] as const;
/** A fixed stand-in for the opaque reasoning signature (base64 of "tollgate-mock-signature"). */
export const REASONING_SIGNATURE = 'dG9sbGdhdGUtbW9jay1zaWduYXR1cmU=';

const STOP_REASON: Readonly<Record<FinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

const q = JSON.stringify;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export interface BinaryFrames {
  /** Messages before the first delta; not counted by cut_after / error_after. */
  readonly head: readonly Uint8Array[];
  /** One entry (one or more messages) per plan delta, in order. */
  readonly deltas: readonly Uint8Array[];
  readonly tail: readonly Uint8Array[];
}

function toolInput(args: string): string {
  try {
    const v: unknown = JSON.parse(args);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return q(v);
  } catch {
    // Arguments cut by maxTokens: we return {}.
  }
  return '{}';
}

export function encodeConverse(plan: CompletionPlan, usage: BedrockUsageCounts, reasoning: boolean, latencyMs: number): string {
  const blocks: string[] = [];
  if (reasoning) blocks.push(`{"reasoningContent":{"reasoningText":{"text":${q(REASONING_TEXT.join(''))},"signature":${q(REASONING_SIGNATURE)}}}}`);
  if (plan.calls.length === 0) {
    if (plan.text !== '') blocks.push(`{"text":${q(plan.text)}}`);
  } else {
    for (const c of plan.calls) blocks.push(`{"toolUse":{"toolUseId":${q(c.id)},"name":${q(c.name)},"input":${toolInput(c.arguments)}}}`);
  }
  return (
    `{"output":{"message":{"role":"assistant","content":[${blocks.join(',')}]}},"stopReason":"${STOP_REASON[plan.finish]}",` +
    `"usage":${usageJson(usage)},"metrics":{"latencyMs":${latencyMs}}}`
  );
}

const PAD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Bedrock's `p` field pads payloads (against length side channels); ours makes each a multiple of 32 bytes. */
function padded(json: string): string {
  const n = 1 + ((64 - ((json.length + 7 + 1) % 32)) % 32);
  return `${json.slice(0, -1)}${json === '{}' ? '' : ','}"p":"${PAD.slice(0, n)}"}`;
}

export function eventMessage(eventType: string, json: string): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(padded(json)),
  });
}

/** A `:message-type: exception` message, e.g. modelStreamErrorException with its JSON payload. */
export function exceptionMessage(exceptionType: string, json: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(json),
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const delta = (index: number, d: string): Uint8Array => eventMessage('contentBlockDelta', `{"contentBlockIndex":${index},"delta":${d}}`);
const blockStop = (index: number): Uint8Array => eventMessage('contentBlockStop', `{"contentBlockIndex":${index}}`);

/** Tool deltas regrouped call by call: Bedrock streams one block at a time. */
type ToolDelta = Exclude<Delta, { kind: 'text' }>;

function sequentialToolDeltas(deltas: readonly Delta[]): ToolDelta[] {
  const byCall = new Map<number, ToolDelta[]>();
  for (const d of deltas) {
    if (d.kind === 'text') continue;
    let list = byCall.get(d.call);
    if (list === undefined) byCall.set(d.call, (list = []));
    list.push(d);
  }
  return [...byCall.keys()].sort((a, b) => a - b).flatMap((c) => byCall.get(c) as ToolDelta[]);
}

export function encodeConverseStream(plan: CompletionPlan, usage: BedrockUsageCounts, reasoning: boolean, latencyMs: number): BinaryFrames {
  const head: Uint8Array[] = [eventMessage('messageStart', '{"role":"assistant"}')];
  const first = reasoning ? 1 : 0;
  if (reasoning) {
    for (const t of REASONING_TEXT) head.push(delta(0, `{"reasoningContent":{"text":${q(t)}}}`));
    head.push(delta(0, `{"reasoningContent":{"signature":${q(REASONING_SIGNATURE)}}}`), blockStop(0));
  }
  const deltas: Uint8Array[] = [];
  let open: number | undefined;
  if (plan.calls.length === 0) {
    if (plan.deltas.length > 0) open = first;
    for (const d of plan.deltas) if (d.kind === 'text') deltas.push(delta(first, `{"text":${q(d.text)}}`));
  } else {
    for (const d of sequentialToolDeltas(plan.deltas)) {
      const index = first + d.call;
      if (d.kind === 'tool_start') {
        const start = eventMessage('contentBlockStart', `{"contentBlockIndex":${index},"start":{"toolUse":{"toolUseId":${q(d.id)},"name":${q(d.name)}}}}`);
        deltas.push(open === undefined ? start : concat([blockStop(open), start]));
        open = index;
      } else {
        deltas.push(delta(index, `{"toolUse":{"input":${q(d.args)}}}`));
      }
    }
  }
  const tail: Uint8Array[] = [];
  if (open !== undefined) tail.push(blockStop(open));
  tail.push(
    eventMessage('messageStop', `{"stopReason":"${STOP_REASON[plan.finish]}"}`),
    eventMessage('metadata', `{"usage":${usageJson(usage)},"metrics":{"latencyMs":${latencyMs}}}`),
  );
  return { head, deltas, tail };
}
