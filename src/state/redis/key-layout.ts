// Where the Redis store keeps things. Every key of one organisation starts with
// `<prefix>:{org:<escaped org id>}`, so they share one Redis Cluster hash slot and a single Lua
// script may touch any of them. Scripts derive the per-scope keys from that prefix; it is safe on
// Cluster because the derived keys carry the same hash tag as the declared KEYS.
//
//   P:leases                 zset   reservation id → lease deadline (ms)
//   P:r:<req>                hash   reservation record (state, cost, tokens, scopes); TTL = retention, 15 s once settled
//   P:b:<period>:<scope>     hash   spent, reserved (nano-dollars, int64), requests; for a rolling
//                                   budget only `reserved` (its series id is the period); expires
//                                   at the caller's retainUntil, if any
//   P:w:<period>:<i>:<scope> hash   rolling budget bucket i (= floor(ms / bucketMs)): spent, requests;
//                                   expires once out of every window
//   P:rpm:<scope>            zset   reservation id → admission time; sliding 60 s log
//   P:tpm:<scope>            zset   "<tokens>|<reservation id>" → admission time; sliding 60 s log
//   P:tpms:<scope>           string sum of the tokens in P:tpm:<scope>
//   P:c                      hash   scope → requests in flight
//
// Breakers are per deployment, not per org: `<prefix>:{brk:<escaped deployment>}` (one hash).
// Components are escaped (reserve-request.ts: escapePart), so `:` and braces never collide.

import { escapePart } from '../reserve-request.js';

export const DEFAULT_KEY_PREFIX = 'tg';

export function checkKeyPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) {
    // Braces would move the hash tag; colons would make the layout ambiguous.
    throw new RangeError(`Redis key prefix must match [A-Za-z0-9_.-]+, got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

export function orgPrefix(keyPrefix: string, escapedOrg: string): string {
  return `${keyPrefix}:{org:${escapedOrg}}`;
}

export function leasesKey(prefix: string): string {
  return `${prefix}:leases`;
}

export function recordKey(prefix: string, escapedRequest: string): string {
  return `${prefix}:r:${escapedRequest}`;
}

export function breakerKey(keyPrefix: string, deployment: string): string {
  return `${keyPrefix}:{brk:${escapePart(deployment)}}`;
}
