// Organisations ⊃ teams ⊃ users ⊃ keys, across both sources: the config (read-only, compiled) and
// the admin API (database, polled). A key names some of its user, team and org; the rest is
// inherited (user → team → org), exactly as compile() does for config keys. A name defined in the
// config always means the config's entity, even if a database row of that name exists.
import type { ScopeLimits } from '../core/limits.js';
import type { RuntimeConfig } from '../config/runtime.js';
import type { EntityKind } from '../storage/entity-repository.js';
import type { DirectoryEntity } from './entity-directory.js';

export type EntityLookup = (kind: EntityKind, id: string) => DirectoryEntity | undefined;

export interface ScopeRefs {
  readonly user?: string | null;
  readonly team?: string | null;
  readonly org?: string | null;
}

export interface ScopeChain {
  readonly user: string | undefined;
  readonly team: string | undefined;
  readonly org: string | undefined;
  /** Limits of the database-defined entities on the chain (config ones are in cfg.scopeLimits). */
  readonly limits: ReadonlyMap<string, ScopeLimits>;
}

export function isConfigEntity(cfg: RuntimeConfig, kind: EntityKind, id: string): boolean {
  return cfg.scopeOrg.has(`${kind}:${id}`);
}

function parents(cfg: RuntimeConfig, lookup: EntityLookup, kind: EntityKind, id: string | undefined): { team?: string; org?: string } {
  if (id === undefined || kind === 'org') return {};
  if (isConfigEntity(cfg, kind, id)) {
    const p = cfg.entityParents.get(`${kind}:${id}`);
    return { team: p?.team, org: p?.org };
  }
  const e = lookup(kind, id);
  if (!e) return {};
  // A database user in a team inherits the team's org (config or database) unless it names one.
  return { team: e.team, org: e.org ?? (e.team !== undefined ? parents(cfg, lookup, 'team', e.team).org : undefined) };
}

export function resolveChain(cfg: RuntimeConfig, lookup: EntityLookup, refs: ScopeRefs): ScopeChain {
  const user = refs.user ?? undefined;
  const up = parents(cfg, lookup, 'user', user);
  const team = refs.team ?? up.team;
  const org = refs.org ?? up.org ?? parents(cfg, lookup, 'team', team).org;
  const limits = new Map<string, ScopeLimits>();
  for (const [kind, id] of [['user', user], ['team', team], ['org', org]] as const) {
    if (id === undefined || isConfigEntity(cfg, kind, id)) continue;
    const l = lookup(kind, id)?.limits;
    if (l) limits.set(`${kind}:${id}`, l);
  }
  return { user, team, org, limits };
}
