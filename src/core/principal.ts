import type { ScopeLimits } from './limits.js';

/** Who is calling: the virtual key resolved by authentication, with the scopes it belongs to. */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly userId?: string;
  readonly teamId?: string;
  readonly orgId?: string;
  /** Model aliases this key may call; undefined = all. */
  readonly models?: ReadonlySet<string>;
  /** Absolute expiry in ms since the epoch; undefined = never. */
  readonly expiresAt?: number;
  /** Limits carried by the key itself (keys created through the admin API); config keys' limits live in the config. */
  readonly keyLimits?: ScopeLimits;
}
