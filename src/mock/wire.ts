// What differs between provider wires in how the simulator answers errors and which headers it sends.
// Each wire folder (openai/, azure/, later anthropic/ …) provides one WireSpec.

import type { GatewayError } from '../core/errors.js';

export interface WireSpec {
  /** Response headers this provider always sends, as a flat name/value list. */
  readonly staticHeaders: readonly string[];
  /** The header that carries the provider's request id. */
  readonly requestIdHeader: string;
  /** Body for a status scripted by x-mock-status or a fault rule. */
  scripted(status: number): string;
  /** Body for a request the provider itself would reject (bad JSON, missing field, bad fault header). */
  invalid(err: GatewayError): string;
  /** Body for an error the simulator raises on its own (barrier timeout, unknown route, internal error). */
  own(status: number, message: string, code: string | null): string;
  /** The JSON object sent as `data: …` when a stream fails mid-way (x-mock-error-after). */
  readonly midStreamError: string;
}
