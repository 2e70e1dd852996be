// Where a scope's counters live (its organisation's hash tag) and which limits apply to it, for
// the admin API. Reads the database directly rather than the replica's polled cache, so an admin
// call right after a change sees it.
import type { ScopeLimits } from '../../core/limits.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { toDirectoryEntity, type DirectoryEntity } from '../../policy/entity-directory.js';
import { keyLimitsOf } from '../../policy/key-directory.js';
import { isConfigEntity, resolveChain, type ScopeChain, type ScopeRefs } from '../../policy/scope-chain.js';
import type { EntityKind, EntityRepository } from '../../storage/entity-repository.js';
import type { KeyRepository } from '../../storage/key-repository.js';
import { limitsFromColumns } from '../../policy/stored-limits.js';

export interface ScopeRepos {
  readonly keys: KeyRepository;
  readonly entities: EntityRepository;
}

const ENTITY_KINDS: ReadonlySet<string> = new Set(['user', 'team', 'org']);

export function isEntityKind(k: string): k is EntityKind {
  return ENTITY_KINDS.has(k);
}

/** Defined in the config, or alive in the database. */
export async function entityExists(cfg: RuntimeConfig, entities: EntityRepository, kind: EntityKind, id: string): Promise<boolean> {
  return isConfigEntity(cfg, kind, id) || (await entities.get(kind, id)) !== undefined;
}

/** resolveChain over the database: fetches what the chain names, at most a few rows. */
export async function chainFromDb(cfg: RuntimeConfig, entities: EntityRepository, refs: ScopeRefs): Promise<ScopeChain> {
  const cache = new Map<string, DirectoryEntity | undefined>();
  for (;;) {
    const missing: Array<[EntityKind, string]> = [];
    const chain = resolveChain(cfg, (kind, id) => {
      const s = `${kind}:${id}`;
      if (!cache.has(s)) missing.push([kind, id]);
      return cache.get(s);
    }, refs);
    // Each round resolves one more link (user → team → org); a chain has at most three.
    if (missing.length === 0) return chain;
    for (const [kind, id] of missing) {
      const e = await entities.get(kind, id);
      cache.set(`${kind}:${id}`, e ? toDirectoryEntity(e) : undefined);
    }
  }
}

export interface ScopeInfo {
  /** The organisation whose hash tag holds this scope's counters. */
  readonly org: string;
  readonly limits: ScopeLimits | undefined;
}

/**
 * Keys, users, teams and orgs, from the config or the database. Other scopes (model, end_user,
 * tag, provider) are answered by the caller. Undefined when no such key or entity exists.
 */
export async function lookupScope(cfg: RuntimeConfig, repos: ScopeRepos, scope: string): Promise<ScopeInfo | undefined> {
  const i = scope.indexOf(':');
  const kind = scope.slice(0, i);
  const id = scope.slice(i + 1);
  const configOrg = cfg.scopeOrg.get(scope);
  if (configOrg !== undefined) return { org: configOrg, limits: cfg.scopeLimits.get(scope) };
  if (kind === 'key') {
    const k = await repos.keys.getById(id);
    if (!k) return undefined;
    const chain = await chainFromDb(cfg, repos.entities, { user: k.user_id, team: k.team_id, org: k.org_id });
    return { org: chain.org ?? 'default', limits: keyLimitsOf(k) };
  }
  if (!isEntityKind(kind)) return undefined;
  const e = await repos.entities.get(kind, id);
  if (!e) return undefined;
  const chain = await chainFromDb(cfg, repos.entities, { [kind]: id });
  return { org: chain.org ?? 'default', limits: limitsFromColumns(e) };
}
