// Responses from a provider whose wire differs from the client's: decoded into canonical types and
// encoded into the client's wire (OpenAI chat, for now). Streams are translated event by event as
// they arrive; an upstream stream without its terminator, or with an error event, ends with an
// error event in the client's wire (R6). Usage is taken from the decoder even for incomplete
// streams, so what the provider billed is billed (M10).
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../core/chat.js';
import { GatewayError, StreamIncompleteError } from '../core/errors.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import type { TranslatingProviderModule } from '../providers/types.js';
import { clientWire } from './client-wire.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { RequestContext, Track } from './request-context.js';
import { receiptHeaders, sseHeaders } from './receipt.js';
import type { UpstreamResponse } from './upstream-call.js';
import { classifyStreamBreak, countIncomplete } from './stream-failure.js';


export async function relayTranslatedResponse(ctx: RequestContext, req: ChatRequest, m: TranslatingProviderModule, res: UpstreamResponse, track: Track, costUsd: (t: Track) => string | undefined): Promise<number> {
  const response = m.decodeChatResponse(await res.body.text(), { now: Date.now() });
  track.usage = response.usage;
  // Throws (an upstream error for the client) when the answer finished with an error.
  const body = clientWire(req.source.wire).encodeResponse(response, { clientModel: req.model, requestId: ctx.requestId, request: req });
  ctx.sink.send(200, { 'content-type': 'application/json', ...receiptHeaders({ ...track.receipt, costUsd: costUsd(track) }) }, body);
  return 200;
}

export async function relayTranslatedStream(
  ctx: RequestContext,
  req: ChatRequest,
  m: TranslatingProviderModule,
  d: DeploymentRuntime,
  res: UpstreamResponse,
  track: Track,
  metrics: Metrics,
): Promise<number> {
  const dec = m.createEventDecoder({ now: Date.now() });
  const enc = clientWire(req.source.wire).streamEncoder({ includeUsage: req.streamIncludeUsage, requestId: ctx.requestId, clientModel: req.model, request: req });
  const sink = ctx.sink;
  // Headers go out with the first frame: until then a failure can still fall back (issue 4).
  const start = () => {
    if (!sink.headersSent) sink.startStream(200, sseHeaders(track.receipt));
  };
  let failure: GatewayError | undefined;

  const emit = async (events: ReturnType<typeof dec.push>): Promise<void> => {
    for (const ev of events) {
      if (ev.type === 'text-delta' || ev.type === 'tool-call-start' || ev.type === 'tool-call-delta' || ev.type === 'reasoning-delta') {
        track.outputChunks++;
        if (track.ttftMs === undefined) track.ttftMs = performance.now() - ctx.receivedAt;
      }
      if (ev.type === 'error') {
        failure = ev.error;
        // Nothing sent yet (an error event before any output: a blocked prompt, an overloaded
        // upstream): the attempt loop answers with an error status or falls back, as for same-wire
        // relays, instead of committing a 200 stream that only carries the error.
        if (!sink.headersSent) return;
      }
      const out = enc.push(ev);
      if (out) {
        start();
        const wait = sink.write(out);
        if (wait) await wait;
      }
      if (enc.closed) return;
    }
  };

  try {
    for await (const chunk of res.body) {
      await emit(dec.push(chunk as Uint8Array));
      if (enc.closed || (failure !== undefined && !sink.headersSent)) break;
    }
    if (!enc.closed && failure === undefined) await emit(dec.end());
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
  // Nothing reached the client yet: let the attempt loop fall back or answer with an error body.
  if (!sink.headersSent) {
    if (failure === undefined && !dec.completed) failure = new StreamIncompleteError(d.id, 'no terminating event');
    if (failure) throw failure;
  }
  if (!enc.closed) {
    if (failure === undefined && !dec.completed) failure = new StreamIncompleteError(d.id, 'no terminating event');
    start();
    sink.write(failure ? enc.fail(failure) : enc.end());
  }
  sink.end();
  if (failure) {
    countIncomplete(metrics, d.id, failure);
    track.code = failure.code;
    return failure.status;
  }
  return 200;
}
