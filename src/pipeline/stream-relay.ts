// Relays an upstream stream to the client frame by frame, never buffering the answer. Same-wire
// frames go out as received. The usage chunk the gateway asked for is hidden from clients that did
// not ask for it. A stream that ends without its terminator, or carries an error frame, ends with
// an explicit error event — never a clean end.
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../core/chat.js';
import { GatewayError, StreamIncompleteError } from '../core/errors.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import type { ProviderModule, StreamFrame } from '../providers/types.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { RequestContext, Track } from './request-context.js';
import { sseHeaders } from './receipt.js';
import { clientWire } from './client-wire.js';
import type { UpstreamResponse } from './upstream-call.js';
import { classifyStreamBreak, countIncomplete } from './stream-failure.js';


export async function relayStream(
  ctx: RequestContext,
  req: ChatRequest,
  m: ProviderModule,
  d: DeploymentRuntime,
  res: UpstreamResponse,
  track: Track,
  metrics: Metrics,
): Promise<number> {
  const decoder = m.createStreamDecoder();
  const sink = ctx.sink;
  // Headers go out with the first frame: until then a failure can still fall back (issue 4).
  const start = () => {
    if (!sink.headersSent) sink.startStream(200, sseHeaders(track.receipt));
  };
  let done = false;
  let failure: GatewayError | undefined;

  const handle = async (frames: StreamFrame[]): Promise<boolean> => {
    for (const f of frames) {
      let out: string | undefined;
      switch (f.kind) {
        case 'chunk':
          if (f.usage) track.usage = f.usage;
          if (f.hasOutput) {
            track.outputChunks++;
            if (track.ttftMs === undefined) track.ttftMs = performance.now() - ctx.receivedAt;
          }
          out = f.raw;
          break;
        case 'usage':
          track.usage = f.usage;
          if (req.streamIncludeUsage) out = f.raw;
          break;
        case 'done':
          done = true;
          out = f.raw;
          break;
        case 'error':
          failure = f.error;
          return false;
        case 'ignored':
          break;
      }
      if (out !== undefined) {
        start();
        const wait = sink.write(out);
        if (wait) await wait;
      }
      if (done) return false;
    }
    return true;
  };

  try {
    let more = true;
    for await (const chunk of res.body) {
      more = await handle(decoder.push(chunk as Uint8Array));
      if (!more) break;
    }
    if (more) await handle(decoder.end());
  } catch (err) {
    const b = classifyStreamBreak(err, d.id, sink);
    if (b.clientGone) {
      countIncomplete(metrics, d.id, 'client_closed');
      track.code = 'client_closed';
      return 499;
    }
    failure = b.failure;
  } finally {
    // Stop reading the upstream if we left early (error frame, [DONE] with trailing bytes).
    if (!res.body.destroyed) res.body.destroy();
  }

  if (!done && failure === undefined) {
    failure = new StreamIncompleteError(d.id, 'no terminating event');
  }
  if (failure) {
    // Nothing reached the client yet: let the attempt loop fall back or answer with an error body.
    if (!sink.headersSent) throw failure;
    countIncomplete(metrics, d.id, failure);
    track.code = failure.code;
    sink.write(clientWire(req.source.wire).streamErrorFrame(failure, ctx.requestId));
    sink.end();
    return failure.status;
  }
  sink.end();
  return 200;
}
