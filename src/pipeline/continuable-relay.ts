// The stream relay for groups with `stream_recovery: continue`. Every attempt's upstream stream —
// same wire or not — is decoded into canonical events and written through ONE client encoder held
// by the StreamContinuation, so a continuation on another deployment extends the answer the client
// already has. (The price of opting in: same-wire streams are re-encoded rather than relayed byte
// for byte.) A failure after bytes reached the client is handed to the continuation; when it cannot
// be continued the stream ends with an error event in the client's wire, as by default (R6).
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../core/chat.js';
import { StreamIncompleteError, UnsupportedParameterError, type GatewayError } from '../core/errors.js';
import type { StreamEvent } from '../core/stream-event.js';
import type { Usage } from '../core/usage.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import { estimateChatInputTokens } from '../policy/token-estimate.js';
import { canonicalTranslator } from '../providers/registry.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { RequestContext, Track } from './request-context.js';
import { sseHeaders } from './receipt.js';
import type { StreamContinuation } from './stream-continuation.js';
import { classifyStreamBreak, countIncomplete } from './stream-failure.js';
import type { UpstreamResponse } from './upstream-call.js';

const OUTPUT: ReadonlySet<StreamEvent['type']> = new Set(['text-delta', 'tool-call-start', 'tool-call-delta', 'reasoning-delta']);

export async function relayContinuableStream(
  ctx: RequestContext,
  req: ChatRequest,
  d: DeploymentRuntime,
  res: UpstreamResponse,
  track: Track,
  metrics: Metrics,
  cont: StreamContinuation,
): Promise<number> {
  const tm = canonicalTranslator(d.provider.type);
  if (!tm) throw new UnsupportedParameterError('model', d.id, `(a ${req.source.wire} request) is not supported by`);
  const dec = tm.createEventDecoder({ now: Date.now() });
  const enc = cont.encoder;
  const sink = ctx.sink;
  let failure: GatewayError | undefined;
  /** Output events of THIS call: its output estimate if it breaks before reporting usage. */
  let chunks = 0;

  const emit = async (events: readonly StreamEvent[]): Promise<boolean> => {
    for (const ev of events) {
      // An upstream error is not written yet: the continuation may still carry the answer on.
      if (ev.type === 'error' || (ev.type === 'finish' && ev.reason === 'error')) {
        failure = ev.type === 'error' ? ev.error : new StreamIncompleteError(d.id, `finished with an error (${ev.providerReason ?? 'error'})`);
        return false;
      }
      // The client's message has begun already: the continuation's own start is not news to it.
      if (ev.type === 'start' && sink.headersSent) continue;
      if (OUTPUT.has(ev.type)) {
        chunks++;
        track.outputChunks++;
        if (track.ttftMs === undefined) track.ttftMs = performance.now() - ctx.receivedAt;
        cont.resumedOn(d);
      }
      cont.observe(ev);
      // Usage the client sees counts every call of this request: each was billed.
      const out = enc.push(ev.type === 'usage' ? { type: 'usage', usage: cont.totalUsage(ev.usage)! } : ev);
      if (out) {
        if (!sink.headersSent) sink.startStream(200, sseHeaders(track.receipt));
        const wait = sink.write(out);
        if (wait) await wait;
      }
    }
    return true;
  };

  try {
    let more = true;
    for await (const chunk of res.body) {
      more = await emit(dec.push(chunk as Uint8Array));
      if (!more) break;
    }
    if (more) await emit(dec.end());
  } catch (err) {
    const b = classifyStreamBreak(err, d.id, sink);
    if (b.clientGone) {
      track.usage = dec.usage;
      countIncomplete(metrics, d.id, 'client_closed');
      track.code = 'client_closed';
      return 499;
    }
    failure = b.failure;
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }

  track.usage = dec.usage;
  if (failure === undefined && !dec.completed) failure = new StreamIncompleteError(d.id, 'no terminating event');
  if (failure === undefined) {
    // Complete: say whether it was continued, then the wire's own ending (usage, [DONE] / message_stop).
    // (A continuation that completed without a single output event still continued the stream.)
    cont.resumedOn(d);
    const marker = cont.markerFrame();
    if (marker) sink.write(marker);
    sink.write(enc.end());
    sink.end();
    return 200;
  }
  // Nothing reached the client yet: an ordinary fallback, as in every relay.
  if (!sink.headersSent) throw failure;
  countIncomplete(metrics, d.id, failure);
  // What this call cost: the attempt loop charges it before the next call (M10).
  track.usage = await callUsage(req, dec.usage, chunks);
  if (cont.interrupt(failure, d, track.usage)) throw failure;
  track.code = failure.code;
  sink.write(enc.fail(failure));
  sink.end();
  return failure.status;
}

/**
 * What a broken call cost: the provider's usage so far, with at least one output token per output
 * event relayed (a cut stream rarely reports its last count); without usage, the prompt estimate.
 */
async function callUsage(req: ChatRequest, usage: Usage | null, chunks: number): Promise<Usage> {
  if (usage) return { ...usage, outputTokens: Math.max(usage.outputTokens, chunks) };
  return { inputTokens: await estimateChatInputTokens(req), cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: chunks, reasoningTokens: 0 };
}
