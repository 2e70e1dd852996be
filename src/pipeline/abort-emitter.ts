// A request's abort signal as a plain EventEmitter. undici takes either an AbortSignal or an
// EventEmitter with `aborted`, `reason` and an 'abort' event; Node's AbortController/EventTarget
// pair costs several µs to create and to (un)subscribe, paid on every request and every attempt —
// it showed in the gateway's profile, while an EventEmitter is a couple of property writes.
import { EventEmitter } from 'node:events';

/** What the pipeline reads of a signal, and what undici accepts. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  once(event: 'abort', listener: () => void): unknown;
  off(event: 'abort', listener: () => void): unknown;
}

export class AbortEmitter extends EventEmitter implements AbortSignalLike {
  #aborted = false;
  #reason: unknown = undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once; later calls keep the first reason. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.emit('abort');
  }
}
