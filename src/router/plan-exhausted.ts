// The error for a plan that ran out (FAILURE-MODES R1, R4, R7). A target that refused the request
// (a parameter or input it cannot honour) was skipped, not called: when some target was called and
// failed, the client gets all_attempts_failed listing the calls and the skips; when no target could
// serve the request at all, a 400 `unsupported_parameter` that names every target and why — the
// request itself has to change, and retrying it elsewhere will not help.
import { GatewayError } from '../core/errors.js';
import { AllAttemptsFailedError, type FailedAttempt, type SkippedTarget } from './all-attempts-failed.js';

/** An encoder's refusal of one target: skipped at attempt time, the next target is tried. */
export function isTargetRefusal(e: GatewayError): boolean {
  return e.code === 'unsupported_parameter';
}

/** The skip recorded for a target that refused the request. */
export function refusalSkip(deployment: string, group: string, e: GatewayError): SkippedTarget {
  return { deployment, group, kind: 'incapable', reason: e.message };
}

/** No target in the plan could take this request; each skip says why. */
export class NoCapableTargetError extends GatewayError {
  constructor(model: string, skipped: readonly SkippedTarget[], param: string | null) {
    const reasons = skipped.map((s) => `${s.deployment}: ${s.reason}`).join('; ');
    super('unsupported_parameter', 400, `No deployment for model '${model}' can serve this request — ${reasons}`, {
      param,
      details: { skipped: skipped.map((s) => ({ deployment: s.deployment, group: s.group, kind: s.kind, reason: s.reason })) },
    });
  }
}

/**
 * What to throw when the loop over the plan ended without an answer. `refusals` are the errors of
 * targets skipped at attempt time, in order (their skips are already in `skipped`).
 */
export function planExhausted(model: string, failed: readonly FailedAttempt[], skipped: readonly SkippedTarget[], refusals: readonly GatewayError[]): GatewayError {
  const reasons = skipped.filter((s) => s.kind !== 'duplicate');
  const incapableOnly = failed.length === 0 && reasons.length > 0 && reasons.every((s) => s.kind === 'incapable');
  if (!incapableOnly) return new AllAttemptsFailedError(model, failed, skipped);
  // One target, one refusal: its own error, unchanged (it already names the parameter and the target).
  if (reasons.length === 1 && refusals.length === 1) return refusals[0]!;
  return new NoCapableTargetError(model, reasons, refusals[0]?.param ?? null);
}
