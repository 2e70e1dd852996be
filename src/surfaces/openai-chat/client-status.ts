// The HTTP status an OpenAI client sees for a gateway error. Upstream statuses outside OpenAI's set
// are shown as their nearest OpenAI equivalent (providers.md §13): Anthropic's 529 overloaded_error
// becomes 503, which OpenAI SDKs retry like any overload. The error keeps the true upstream status
// in `details.upstream_status`.
import type { GatewayError } from '../../core/errors.js';

const NEAREST: Readonly<Record<number, number>> = {
  529: 503,
};

export function openAiClientStatus(err: GatewayError): number {
  const s = err.status;
  const mapped = NEAREST[s];
  if (mapped !== undefined) return mapped;
  // Non-standard codes from other upstreams: keep the class, use its generic status.
  if (s > 511 && s < 600) return 502;
  if (s < 400 || s > 599) return 500;
  return s;
}
