// What a broken stream means, shared by the same-wire relay and the translating relay: the client
// left (499, nothing more to tell anyone), or the upstream failed — a dropped connection is an
// incomplete stream (the client gets an error event, never a clean end).
import { GatewayError, StreamIncompleteError } from '../core/errors.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { ResponseSink } from './response-sink.js';
import { upstreamFailure } from './upstream-call.js';

export type StreamBreak = { readonly clientGone: true } | { readonly clientGone: false; readonly failure: GatewayError };

export function classifyStreamBreak(err: unknown, deployment: string, sink: ResponseSink): StreamBreak {
  if (sink.clientGone) return { clientGone: true };
  const f = upstreamFailure(err, deployment, sink.signal);
  return { clientGone: false, failure: f.code === 'upstream_protocol_error' ? new StreamIncompleteError(deployment, 'connection lost', err) : f };
}

/** Counts a stream that did not end with its terminator, by why. */
export function countIncomplete(metrics: Metrics, deployment: string, failure: GatewayError | 'client_closed'): void {
  const reason =
    failure === 'client_closed'
      ? 'client_closed'
      : failure.code === 'upstream_stream_incomplete'
        ? 'upstream_cut'
        : failure.code === 'upstream_timeout'
          ? 'upstream_timeout'
          : 'upstream_error';
  metrics.streamsIncomplete.inc({ deployment, reason });
}
