// /admin/users, /admin/teams, /admin/orgs: create, list, get, patch, delete. The id is the name.
// Entities defined in the config are listed and readable here but read-only (409
// `entity_defined_in_config`): the config file is their source of truth. A DELETE refuses an entity
// that keys or members still name (409 `entity_in_use`) unless `?force=true`, which revokes the keys
// that name it directly, detaches its members (they keep working under their other scopes) and
// then deletes it.
import { nanosToUsd } from '../../core/money.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { isConfigEntity } from '../../policy/scope-chain.js';
import type { Entity, EntityKind, EntityPatch } from '../../storage/entity-repository.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';
import { bad, budgetView, checkBudget, checkLimits, checkMetadata, checkName, isObject, viewOfLimits, type Body, type Checked } from './budget-fields.js';
import { chainFromDb, entityExists, lookupScope, type ScopeRepos } from './scope-lookup.js';
import { currentUsage } from './scope-usage.js';

const PLURAL: Record<EntityKind, string> = { user: 'users', team: 'teams', org: 'orgs' };

/** Which parents each kind may name. */
const PARENTS: Record<EntityKind, ReadonlyArray<'team' | 'org'>> = { user: ['team', 'org'], team: ['org'], org: [] };

async function checkFields(kind: EntityKind, b: Body, cfg: RuntimeConfig, repos: ScopeRepos): Promise<Checked<EntityPatch>> {
  const patch: { -readonly [K in keyof EntityPatch]: EntityPatch[K] } = {};
  const known = new Set(['name', ...PARENTS[kind], 'budget', 'limits', 'metadata']);
  for (const k of Object.keys(b)) if (!known.has(k)) return bad(k, 'unknown field');
  for (const parent of PARENTS[kind]) {
    const v = b[parent];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') return bad(parent, 'expected a name or null');
    if (typeof v === 'string' && !(await entityExists(cfg, repos.entities, parent, v))) return bad(parent, `unknown ${parent} '${v}'`);
    patch[parent === 'team' ? 'team_id' : 'org_id'] = v;
  }
  if (b['budget'] !== undefined) {
    const c = checkBudget(b['budget']);
    if (!c.ok) return c;
    Object.assign(patch, c.value);
  }
  if (b['limits'] !== undefined) {
    const c = checkLimits(b['limits']);
    if (!c.ok) return c;
    patch.limits = c.value;
  }
  if (b['metadata'] !== undefined) {
    const c = checkMetadata(b['metadata']);
    if (!c.ok) return c;
    patch.metadata = c.value;
  }
  return { ok: true, value: patch };
}

/** A user's org must agree with its team's (as compile() requires of config users). */
async function checkTeamOrg(cfg: RuntimeConfig, repos: ScopeRepos, team: string | null | undefined, org: string | null | undefined): Promise<AdminResponse | undefined> {
  if (!team || !org) return undefined;
  const teamOrg = (await chainFromDb(cfg, repos.entities, { team })).org;
  if (teamOrg !== undefined && teamOrg !== org) return bad('org', `the user's org differs from its team's org '${teamOrg}'`).error;
  return undefined;
}

async function spendOf(cfg: RuntimeConfig, repos: ScopeRepos, deps: AdminDeps, scope: string): Promise<{ spend_usd: number | null; reserved_usd: number | null }> {
  const info = await lookupScope(cfg, repos, scope);
  const usage = await currentUsage(deps.state, cfg, info?.org ?? 'default', scope, info?.limits).then((c) => c.usage, () => undefined);
  return { spend_usd: usage ? nanosToUsd(usage.spentNanos) : null, reserved_usd: usage ? nanosToUsd(usage.reservedNanos) : null };
}

async function dbView(e: Entity, cfg: RuntimeConfig, repos: ScopeRepos, deps: AdminDeps): Promise<Record<string, unknown>> {
  return {
    name: e.id,
    kind: e.kind,
    source: 'api',
    ...(e.kind === 'user' ? { team: e.team_id } : {}),
    ...(e.kind !== 'org' ? { org: e.org_id } : {}),
    budget: budgetView(e),
    limits: e.limits,
    metadata: e.metadata,
    ...(await spendOf(cfg, repos, deps, `${e.kind}:${e.id}`)),
    created_at: new Date(e.created_at).toISOString(),
    updated_at: new Date(e.updated_at).toISOString(),
  };
}

async function configView(kind: EntityKind, id: string, cfg: RuntimeConfig, repos: ScopeRepos, deps: AdminDeps): Promise<Record<string, unknown>> {
  const scope = `${kind}:${id}`;
  const parents = cfg.entityParents.get(scope);
  return {
    name: id,
    kind,
    source: 'config',
    ...(kind === 'user' ? { team: parents?.team ?? null } : {}),
    ...(kind !== 'org' ? { org: parents?.org ?? null } : {}),
    ...viewOfLimits(cfg.scopeLimits.get(scope)),
    metadata: {},
    ...(await spendOf(cfg, repos, deps, scope)),
    created_at: null,
    updated_at: null,
  };
}

const readOnly = (kind: EntityKind, id: string): AdminResponse =>
  adminError(409, 'entity_defined_in_config', `The ${kind} '${id}' is defined in the config file and is read-only here; change it there and reload`, { param: 'name' });

export async function handleEntities(kind: EntityKind, method: string, id: string | undefined, query: URLSearchParams, body: unknown, cfg: RuntimeConfig, repos: ScopeRepos, deps: AdminDeps): Promise<AdminResponse> {
  if (id === undefined && method === 'GET') {
    const fromConfig = [...cfg.scopeOrg.keys()].filter((s) => s.startsWith(`${kind}:`)).map((s) => s.slice(kind.length + 1));
    const rows = (await repos.entities.list(kind, { limit: 1000 })).filter((e) => !isConfigEntity(cfg, kind, e.id));
    const data = [...(await Promise.all(fromConfig.map((n) => configView(kind, n, cfg, repos, deps)))), ...(await Promise.all(rows.map((e) => dbView(e, cfg, repos, deps))))];
    return ok({ data });
  }
  if (id === undefined && method === 'POST') {
    if (!isObject(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
    const name = checkName(body['name']);
    if (!name.ok) return name.error;
    if (isConfigEntity(cfg, kind, name.value)) return readOnly(kind, name.value);
    const c = await checkFields(kind, body, cfg, repos);
    if (!c.ok) return c.error;
    const conflict = await checkTeamOrg(cfg, repos, c.value.team_id, c.value.org_id);
    if (conflict) return conflict;
    const created = await repos.entities.create(kind, { ...c.value, id: name.value });
    return ok(await dbView(created, cfg, repos, deps), 201);
  }
  if (id === undefined) return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/${PLURAL[kind]}`);
  if (isConfigEntity(cfg, kind, id)) return method === 'GET' ? ok(await configView(kind, id, cfg, repos, deps)) : readOnly(kind, id);
  const existing = await repos.entities.get(kind, id);
  if (!existing) return adminError(404, `${kind}_not_found`, `No ${kind} named '${id}'`);
  switch (method) {
    case 'GET':
      return ok(await dbView(existing, cfg, repos, deps));
    case 'PATCH': {
      if (!isObject(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
      if (body['name'] !== undefined && body['name'] !== id) return bad('name', 'the name is the id and cannot change; create a new one instead').error;
      const c = await checkFields(kind, body, cfg, repos);
      if (!c.ok) return c.error;
      const conflict = await checkTeamOrg(cfg, repos, c.value.team_id === undefined ? existing.team_id : c.value.team_id, c.value.org_id === undefined ? existing.org_id : c.value.org_id);
      if (conflict) return conflict;
      const updated = await repos.entities.update(kind, id, c.value);
      return ok(await dbView(updated ?? existing, cfg, repos, deps));
    }
    case 'DELETE': {
      const keys = await repos.keys.countReferencing(kind, id);
      const members = await repos.entities.members(kind, id);
      const force = query.get('force') === 'true';
      if (!force && keys + members.users + members.teams > 0) {
        return adminError(409, 'entity_in_use', `The ${kind} '${id}' is still named by ${keys} key(s), ${members.users} user(s) and ${members.teams} team(s); move them first or pass ?force=true`, {
          keys,
          users: members.users,
          teams: members.teams,
        });
      }
      const revoked = force ? await repos.keys.revokeReferencing(kind, id) : 0;
      const detached = force ? await repos.entities.detachMembers(kind, id) : 0;
      const deleted = await repos.entities.delete(kind, id);
      return ok({ ...(await dbView(deleted ?? existing, cfg, repos, deps)), deleted: true, revoked_keys: revoked, detached_members: detached });
    }
    default:
      return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/${PLURAL[kind]}/{id}`);
  }
}
