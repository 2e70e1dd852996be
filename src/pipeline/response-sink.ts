// What the pipeline needs from the HTTP layer to answer a client, without knowing node:http.
import type { AbortSignalLike } from './abort-emitter.js';

export interface ResponseSink {
  /** Aborted when the client disconnects before the response is finished, or by abort(). */
  readonly signal: AbortSignalLike;
  /** The client went away before the response was finished. */
  readonly clientGone: boolean;
  /** Aborts the upstream work with a reason (e.g. the total timeout); the client can still be told. */
  abort(reason: Error): void;
  /** Sends a whole response. */
  send(status: number, headers: Readonly<Record<string, string>>, body: string): void;
  /** Starts a server-sent-events response; follow with write() and end(). */
  startStream(status: number, headers: Readonly<Record<string, string>>): void;
  /** Writes bytes to an open stream; returns a promise only when the client is slow (backpressure). */
  write(text: string): Promise<void> | undefined;
  end(): void;
  /** Whether response headers were already sent (after which only stream frames can say anything). */
  readonly headersSent: boolean;
}
