// The gateway keeps no responses, conversations or items: a request that points at stored state
// cannot be answered faithfully (the model would miss the turns it refers to), so it is refused
// with the stable `unsupported_parameter` code and a message that says why.
import { UnsupportedParameterError } from '../../core/errors.js';

export const STATELESS_TARGET = 'this gateway, which does not store responses (send the whole conversation in `input`)';

export function statelessRefusal(param: string, what: string): UnsupportedParameterError {
  return new UnsupportedParameterError(param, STATELESS_TARGET, `(${what}) is not supported by`);
}
