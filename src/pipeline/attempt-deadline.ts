// Deadlines (issue 4: per-attempt timeouts). Connect, first byte and idle-between-chunks are the
// pool's and undici's (upstream-call.ts, upstream-pools.ts); this file holds the two "total" ones:
// - each attempt has its own provider's `timeouts.total`: a call that takes too long as a whole is
//   abandoned and the plan moves on (before the first byte) or the stream ends with an error event;
// - the request as a whole may take as long as the longest total of any target in its plan, so a
//   fallback with a generous total is not starved by a first target with a tight one.
import { UpstreamUnavailableError } from '../core/errors.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import { AbortEmitter, type AbortSignalLike } from './abort-emitter.js';

export interface AttemptDeadline {
  /** Aborted when the attempt's total timeout passes or the request's own signal aborts. */
  readonly signal: AbortSignalLike;
  /** Stops the timer and unlinks from the request signal; call once the attempt is over. */
  clear(): void;
}

const NO_DEADLINE_OF_ITS_OWN = { clear: () => undefined };

/**
 * `requestRemainingMs`: what is left of the request's own deadline. An attempt whose total would
 * end at or after it (a plan of one provider, the usual case) needs no timer of its own: the
 * request's signal already ends it then. That saves an AbortController, a timer and a listener
 * pair per request — measurable on the hot path.
 */
export function attemptDeadline(request: AbortSignalLike, totalMs: number, label: string, requestRemainingMs: number): AttemptDeadline {
  if (totalMs >= requestRemainingMs) return { signal: request, ...NO_DEADLINE_OF_ITS_OWN };
  const ac = new AbortEmitter();
  // The request's reason (client gone, request deadline) wins: it is what the caller reports.
  const follow = () => ac.abort(request.reason);
  if (request.aborted) follow();
  else request.once('abort', follow);
  const timer = setTimeout(() => ac.abort(new UpstreamUnavailableError('upstream_timeout', `${label} did not finish within its total timeout of ${totalMs} ms`)), totalMs);
  return {
    signal: ac,
    clear() {
      clearTimeout(timer);
      request.off('abort', follow);
    },
  };
}

/** The request's own deadline: the longest total among the deployments it may call. */
export function requestTotalMs(deployments: readonly DeploymentRuntime[]): number {
  let ms = 0;
  for (const d of deployments) ms = Math.max(ms, d.provider.timeouts.totalMs);
  return ms;
}
