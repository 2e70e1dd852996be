// The receipt: response headers that say what ran. Every value here is true for this request;
// features that did not run say so rather than staying silent.
export interface Receipt {
  readonly deployment?: string;
  readonly attempts?: number;
  /** `auth=key; budget=exact; rpm=none; …` from admission. */
  readonly enforcement?: string;
  readonly costUsd?: string;
  /** Parameters dropped because the deployment's drop_params allowed it (never silently). */
  readonly dropped?: readonly string[];
  /** The output cap the gateway sent because the request had none and the wire requires one. */
  readonly defaultedMaxTokens?: number;
}

// Before admission ran (an error in routing or auth), nothing was enforced beyond the key.
const NOT_ADMITTED = 'auth=key; budget=none; rpm=none; tpm=none; concurrency=none; guardrails=none';

export function receiptHeaders(r: Receipt): Record<string, string> {
  const h: Record<string, string> = { 'x-tollgate-cache': 'bypass', 'x-tollgate-enforcement': r.enforcement ?? NOT_ADMITTED };
  if (r.deployment) h['x-tollgate-deployment'] = r.deployment;
  if (r.attempts !== undefined) h['x-tollgate-attempts'] = String(r.attempts);
  if (r.costUsd !== undefined) h['x-tollgate-cost-usd'] = r.costUsd;
  if (r.dropped && r.dropped.length > 0) h['x-tollgate-dropped-params'] = r.dropped.join(', ');
  if (r.defaultedMaxTokens !== undefined) h['x-tollgate-defaulted'] = `max_tokens=${r.defaultedMaxTokens}`;
  return h;
}

/** Headers of a server-sent-events response, receipt included (both stream relays use these). */
export function sseHeaders(r: Receipt): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...receiptHeaders(r) };
}
