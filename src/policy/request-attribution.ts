// Who a request is for and how it is labelled, beyond its key: the end user (the request's `user`,
// Anthropic's `metadata.user_id`, or the `x-tollgate-end-user` header, which wins) and its tags.
// Recorded on the ledger row; end users and budgeted tags are also admission scopes.
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../core/errors.js';
import type { RuntimeConfig } from '../config/runtime.js';
import type { GovernedPrincipal } from './governed-principal.js';
import { requestTags } from './request-tags.js';

export const END_USER_HEADER = 'x-tollgate-end-user';
/** Longer ids are refused where they would become counters (an unbounded key is a memory risk). */
export const MAX_END_USER_LENGTH = 256;

export interface RequestAttribution {
  readonly endUser: string | undefined;
  readonly tags: readonly string[];
}

export function endUserOf(cfg: RuntimeConfig, headers: IncomingHttpHeaders, bodyUser: string | undefined): string | undefined {
  const h = headers[END_USER_HEADER];
  const fromHeader = (Array.isArray(h) ? h[0] : h)?.trim();
  if (fromHeader !== undefined && fromHeader !== '') {
    if (fromHeader.length > MAX_END_USER_LENGTH) throw new InvalidRequestError(`${END_USER_HEADER} may be at most ${MAX_END_USER_LENGTH} characters`, END_USER_HEADER, 'invalid_end_user');
    return fromHeader;
  }
  if (bodyUser === undefined || bodyUser === '') return undefined;
  if (cfg.endUsers && bodyUser.length > MAX_END_USER_LENGTH) {
    throw new InvalidRequestError(`'user' may be at most ${MAX_END_USER_LENGTH} characters when end-user budgets are configured`, 'user', 'invalid_end_user');
  }
  return bodyUser;
}

export function attributionOf(cfg: RuntimeConfig, principal: GovernedPrincipal, headers: IncomingHttpHeaders, bodyUser: string | undefined): RequestAttribution {
  const keyTags = principal.keyTags ?? cfg.keyTags.get(principal.keyId) ?? [];
  return { endUser: endUserOf(cfg, headers, bodyUser), tags: requestTags(headers, keyTags) };
}
