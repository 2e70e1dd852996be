// The life of one simulated inference request, the same for every wire: resolve faults (headers over
// rules), wait at a barrier, sleep the scripted latency, answer a scripted error status — or let the
// wire's responder answer — and put what was billed on the ledger.

import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../core/errors.js';
import { replyError, type Exchange } from './exchange.js';
import { headerBarrier, headerFaults, mergeFaults, NO_FAULTS, pickLatency, type BarrierRequest, type Faults } from './faults.js';
import type { Bill } from './ledger.js';
import type { WireSpec } from './wire.js';

export interface InferenceTarget {
  /** Matched by fault rules' `match.model`. */
  readonly model: string | undefined;
  /** Matched by fault rules' `match.deployment` (Azure only). */
  readonly deployment: string | undefined;
}

/**
 * Writes the successful answer. `headers` already holds the retry hints the faults asked for; the
 * responder returns what to bill, or undefined when nothing was.
 */
export type Responder = (faults: Readonly<Faults>, headers: readonly string[]) => Promise<Bill | undefined> | Bill | undefined;

function retryHeaders(f: Readonly<Faults>): string[] {
  const out: string[] = [];
  if (f.retryAfter !== undefined) out.push('retry-after', f.retryAfter);
  if (f.retryAfterMs !== undefined) out.push('retry-after-ms', String(f.retryAfterMs));
  return out;
}

export async function serveInference(ex: Exchange, wire: WireSpec, target: InferenceTarget, respond: Responder): Promise<void> {
  const { state, req, res } = ex;
  let faults: Readonly<Faults>;
  let barrier: BarrierRequest | undefined;
  try {
    // Headers first: a malformed header must not use up a rule's `times`.
    const own = headerFaults(req.headers);
    barrier = headerBarrier(req.headers);
    faults = mergeFaults(state.faults.take(target.model, target.deployment), own) ?? NO_FAULTS;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    replyError(ex, wire, err.status, wire.invalid(err));
    return;
  }

  if (barrier !== undefined) {
    const { id, size } = barrier;
    const outcome = await state.barriers.wait(id, size, barrier.timeoutMs, (withdraw) => res.once('close', withdraw));
    if (outcome === 'timed_out') {
      const message = `tollgate mock: barrier '${id}' timed out before ${size} requests were waiting`;
      replyError(ex, wire, 504, wire.own(504, message, 'barrier_timeout'));
      return;
    }
    if (outcome === 'abandoned') {
      replyError(ex, wire, 503, wire.own(503, 'tollgate mock: barrier abandoned (shutting down)', null));
      return;
    }
  }

  if (faults.latencyMs !== undefined) {
    const ms = pickLatency(faults.latencyMs);
    if (ms > 0) await sleep(ms);
  }

  const retry = retryHeaders(faults);
  if (faults.status !== undefined && faults.status >= 400) {
    replyError(ex, wire, faults.status, wire.scripted(faults.status), retry);
    return;
  }
  const bill = await respond(faults, retry);
  if (bill !== undefined) state.ledger.bill(bill);
}
