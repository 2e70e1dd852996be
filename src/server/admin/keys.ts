// /admin/keys: create (the key is shown once), list, get, patch, revoke. Keys are stored as
// SHA-256 hashes with a short prefix for display; the raw key is never stored, logged or echoed.
import { randomBytes } from 'node:crypto';
import { nanosToUsd } from '../../core/money.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { hashKey } from '../../policy/authenticate.js';
import { keyLimitsOf } from '../../policy/key-directory.js';
import { expiryFrom } from '../../policy/key-expiry.js';
import type { ApiKey, ApiKeyPatch } from '../../storage/key-repository.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';
import { bad, budgetView, checkBudget, checkLimits, checkMetadata, checkName, type Body, type Checked } from './budget-fields.js';
import { chainFromDb, entityExists, type ScopeRepos } from './scope-lookup.js';
import { currentUsage } from './scope-usage.js';

type Writable = { -readonly [K in keyof ApiKeyPatch]: ApiKeyPatch[K] };

/** Validates the writable fields shared by create and patch. */
async function checkFields(cfg: RuntimeConfig, b: Body, now: number, repos: ScopeRepos): Promise<Checked<ApiKeyPatch>> {
  const patch: Writable = {};
  const known = new Set(['name', 'user', 'team', 'org', 'budget', 'limits', 'models', 'expires_in', 'expires_at', 'metadata']);
  for (const k of Object.keys(b)) if (!known.has(k)) return bad(k, 'unknown field');
  if (b['name'] !== undefined) {
    const n = checkName(b['name']);
    if (!n.ok) return n;
    patch.name = n.value;
  }
  for (const [field, col] of [['user', 'user_id'], ['team', 'team_id'], ['org', 'org_id']] as const) {
    const v = b[field];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') return bad(field, 'expected a string or null');
    if (typeof v === 'string' && !(await entityExists(cfg, repos.entities, field, v))) return bad(field, `unknown ${field} '${v}' (declare it under ${field}s: in the config, or create it with POST /admin/${field}s)`);
    patch[col] = v;
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
  if (b['models'] !== undefined) {
    const m = b['models'];
    if (m !== null && (!Array.isArray(m) || !m.every((x) => typeof x === 'string'))) return bad('models', 'expected an array of model names or null');
    for (const name of (m as string[] | null) ?? []) if (!cfg.models.has(name)) return bad('models', `unknown model '${name}'`);
    patch.models = m as string[] | null;
  }
  if (b['expires_in'] !== undefined && b['expires_at'] !== undefined) return bad('expires_in', 'give expires_in or expires_at, not both');
  if (b['expires_in'] !== undefined) {
    const at = typeof b['expires_in'] === 'string' ? expiryFrom(now, b['expires_in']) : undefined;
    if (at === undefined) return bad('expires_in', 'expected a duration such as "90s", "12h", "30d", "2w" or "1mo"');
    patch.expires_at = at;
  }
  if (b['expires_at'] !== undefined) {
    const v = b['expires_at'];
    const at = v === null ? null : typeof v === 'string' ? Date.parse(v) : NaN;
    if (at !== null && Number.isNaN(at)) return bad('expires_at', 'expected an ISO 8601 time or null');
    patch.expires_at = at;
  }
  if (b['metadata'] !== undefined) {
    const c = checkMetadata(b['metadata']);
    if (!c.ok) return c;
    patch.metadata = c.value;
  }
  return { ok: true, value: patch };
}

/** A key naming both a user and a team must agree with the user's team (as compile() requires of config keys). */
async function teamMismatch(cfg: RuntimeConfig, repos: ScopeRepos, user: string | null | undefined, team: string | null | undefined): Promise<AdminResponse | undefined> {
  if (!user || !team) return undefined;
  const userTeam = (await chainFromDb(cfg, repos.entities, { user })).team;
  if (userTeam !== undefined && userTeam !== team) return bad('team', `the key's team differs from its user's team '${userTeam}'`).error;
  return undefined;
}

async function view(k: ApiKey, cfg: RuntimeConfig, deps: AdminDeps, repos: ScopeRepos): Promise<Record<string, unknown>> {
  // Counted under the org the key resolves to (named, or inherited from its user or team).
  const org = (await chainFromDb(cfg, repos.entities, { user: k.user_id, team: k.team_id, org: k.org_id })).org ?? 'default';
  const usage = await currentUsage(deps.state, cfg, org, `key:${k.id}`, keyLimitsOf(k)).then((c) => c.usage, () => undefined);
  return {
    id: k.id,
    name: k.name,
    key_prefix: k.key_prefix,
    user: k.user_id,
    team: k.team_id,
    org: k.org_id,
    models: k.models,
    budget: budgetView(k),
    limits: k.limits,
    metadata: k.metadata,
    spend_usd: usage ? nanosToUsd(usage.spentNanos) : null,
    reserved_usd: usage ? nanosToUsd(usage.reservedNanos) : null,
    expires_at: k.expires_at === null ? null : new Date(k.expires_at).toISOString(),
    revoked_at: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
    created_at: new Date(k.created_at).toISOString(),
  };
}

export async function handleKeys(method: string, id: string | undefined, body: unknown, cfg: RuntimeConfig, repos: ScopeRepos, deps: AdminDeps): Promise<AdminResponse> {
  const repo = repos.keys;
  const now = Date.now();
  if (id === undefined && method === 'GET') {
    const rows = await repo.list({ include_revoked: true, limit: 1000 });
    return ok({ data: await Promise.all(rows.map((k) => view(k, cfg, deps, repos))) });
  }
  if (id === undefined && method === 'POST') {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
    if (typeof (body as Body)['name'] !== 'string') return bad('name', 'required').error;
    const c = await checkFields(cfg, body as Body, now, repos);
    if (!c.ok) return c.error;
    const key = `sk-tg-${randomBytes(24).toString('base64url')}`;
    const mismatch = await teamMismatch(cfg, repos, c.value.user_id, c.value.team_id);
    if (mismatch) return mismatch;
    const created = await repo.create({ ...c.value, name: c.value.name!, key_hash: hashKey(key), key_prefix: key.slice(0, 10) });
    return ok({ ...(await view(created, cfg, deps, repos)), key }, 201);
  }
  if (id === undefined) return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/keys`);
  const existing = await repo.getById(id);
  if (!existing) return adminError(404, 'key_not_found', `No key with id '${id}'`);
  switch (method) {
    case 'GET':
      return ok(await view(existing, cfg, deps, repos));
    case 'PATCH': {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
      const c = await checkFields(cfg, body as Body, now, repos);
      if (!c.ok) return c.error;
      const mismatch = await teamMismatch(cfg, repos, c.value.user_id === undefined ? existing.user_id : c.value.user_id, c.value.team_id === undefined ? existing.team_id : c.value.team_id);
      if (mismatch) return mismatch;
      const updated = await repo.update(id, c.value);
      return ok(await view(updated ?? existing, cfg, deps, repos));
    }
    case 'DELETE': {
      const revoked = await repo.revoke(id);
      return ok(await view(revoked ?? existing, cfg, deps, repos));
    }
    default:
      return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/keys/{id}`);
  }
}
