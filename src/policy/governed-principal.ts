// What admission needs to know about a caller beyond the core Principal: the limits of the users,
// teams and orgs on its chain that were created through the admin API (config-defined ones live in
// RuntimeConfig.scopeLimits), and the tags its key carries. Every field is optional, so any
// Principal is a GovernedPrincipal; the key directory fills them for database keys.
import type { ScopeLimits } from '../core/limits.js';
import type { Principal } from '../core/principal.js';

export interface GovernedPrincipal extends Principal {
  /** `user:…`, `team:…`, `org:…` → limits, for entities defined through the admin API. */
  readonly entityLimits?: ReadonlyMap<string, ScopeLimits>;
  /** Tags from the key's metadata (`tags`), recorded on every request made with it. */
  readonly keyTags?: readonly string[];
}
