// /admin/keys: create (the key is shown once), list, get, patch, revoke. Keys are stored as
// SHA-256 hashes with a short prefix for display; the raw key is never stored, logged or echoed.
import { randomBytes } from 'node:crypto';
import { nanosToUsd, usdToNanos } from '../../core/money.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { hashKey } from '../../policy/authenticate.js';
import { periodId } from '../../policy/budget-period.js';
import { keyLimitsOf } from '../../policy/key-directory.js';
import { expiryFrom } from '../../policy/key-expiry.js';
import type { ApiKey, ApiKeyPatch, KeyRepository } from '../../storage/key-repository.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';

const PERIODS = new Set(['none', 'daily', 'weekly', 'monthly']);
const LIMIT_FIELDS = new Set(['rpm', 'tpm', 'max_parallel']);

type Body = Record<string, unknown>;
type Checked<T> = { ok: true; value: T } | { ok: false; error: AdminResponse };

const bad = (field: string, message: string): { ok: false; error: AdminResponse } => ({ ok: false, error: adminError(400, 'invalid_parameter', `${field}: ${message}`, { param: field }) });

/** Validates the writable fields shared by create and patch. */
function checkFields(cfg: RuntimeConfig, b: Body, now: number): Checked<ApiKeyPatch> {
  const patch: { -readonly [K in keyof ApiKeyPatch]: ApiKeyPatch[K] } = {};
  const known = new Set(['name', 'user', 'team', 'org', 'budget', 'limits', 'models', 'expires_in', 'expires_at', 'metadata']);
  for (const k of Object.keys(b)) if (!known.has(k)) return bad(k, 'unknown field');
  if (b['name'] !== undefined) {
    if (typeof b['name'] !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(b['name'])) return bad('name', 'expected a name of letters, digits and ._:/-');
    patch.name = b['name'];
  }
  for (const [field, col] of [['user', 'user_id'], ['team', 'team_id'], ['org', 'org_id']] as const) {
    const v = b[field];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') return bad(field, 'expected a string or null');
    if (typeof v === 'string' && !cfg.scopeOrg.has(`${field}:${v}`)) return bad(field, `unknown ${field} '${v}' (declare it under ${field}s: in the config)`);
    patch[col] = v;
  }
  if (b['budget'] !== undefined) {
    const bu = b['budget'];
    if (bu === null) {
      patch.budget_nanos = null;
      patch.budget_period = null;
    } else {
      if (typeof bu !== 'object' || Array.isArray(bu)) return bad('budget', 'expected {usd, period?}');
      const { usd, period = 'monthly', ...rest } = bu as Body;
      if (Object.keys(rest).length) return bad(`budget.${Object.keys(rest)[0]}`, 'unknown field');
      try {
        if (typeof usd !== 'number' && typeof usd !== 'string') throw new RangeError('missing');
        patch.budget_nanos = usdToNanos(usd);
        if (patch.budget_nanos < 0n) throw new RangeError('negative');
      } catch {
        return bad('budget.usd', 'expected a non-negative USD amount');
      }
      if (typeof period !== 'string' || !PERIODS.has(period)) return bad('budget.period', 'expected none, daily, weekly or monthly');
      patch.budget_period = period;
    }
  }
  if (b['limits'] !== undefined) {
    const l = b['limits'];
    if (l === null || typeof l !== 'object' || Array.isArray(l)) return bad('limits', 'expected {rpm?, tpm?, max_parallel?}');
    for (const [k, v] of Object.entries(l)) {
      if (!LIMIT_FIELDS.has(k)) return bad(`limits.${k}`, 'unknown field');
      if (!Number.isInteger(v) || (v as number) < 1) return bad(`limits.${k}`, 'expected a whole number ≥ 1');
    }
    patch.limits = l as Record<string, number>;
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
    const md = b['metadata'];
    if (md === null || typeof md !== 'object' || Array.isArray(md)) return bad('metadata', 'expected an object');
    patch.metadata = md as Record<string, unknown>;
  }
  return { ok: true, value: patch };
}

async function view(k: ApiKey, cfg: RuntimeConfig, deps: AdminDeps): Promise<Record<string, unknown>> {
  const limits = keyLimitsOf(k);
  const usage = await deps.state
    .getUsage(k.org_id ?? 'default', `key:${k.id}`, periodId(limits?.period ?? 'none', cfg.governance.timeZone, Date.now()))
    .catch(() => undefined);
  return {
    id: k.id,
    name: k.name,
    key_prefix: k.key_prefix,
    user: k.user_id,
    team: k.team_id,
    org: k.org_id,
    models: k.models,
    budget: k.budget_nanos === null ? null : { usd: nanosToUsd(k.budget_nanos), period: k.budget_period },
    limits: k.limits,
    metadata: k.metadata,
    spend_usd: usage ? nanosToUsd(usage.spentNanos) : null,
    reserved_usd: usage ? nanosToUsd(usage.reservedNanos) : null,
    expires_at: k.expires_at === null ? null : new Date(k.expires_at).toISOString(),
    revoked_at: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
    created_at: new Date(k.created_at).toISOString(),
  };
}

export async function handleKeys(method: string, id: string | undefined, body: unknown, cfg: RuntimeConfig, repo: KeyRepository, deps: AdminDeps): Promise<AdminResponse> {
  const now = Date.now();
  if (id === undefined && method === 'GET') {
    const rows = await repo.list({ include_revoked: true, limit: 1000 });
    return ok({ data: await Promise.all(rows.map((k) => view(k, cfg, deps))) });
  }
  if (id === undefined && method === 'POST') {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
    if (typeof (body as Body)['name'] !== 'string') return bad('name', 'required').error;
    const c = checkFields(cfg, body as Body, now);
    if (!c.ok) return c.error;
    const key = `sk-tg-${randomBytes(24).toString('base64url')}`;
    const created = await repo.create({ ...c.value, name: c.value.name!, key_hash: hashKey(key), key_prefix: key.slice(0, 10) });
    return ok({ ...(await view(created, cfg, deps)), key }, 201);
  }
  if (id === undefined) return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/keys`);
  const existing = await repo.getById(id);
  if (!existing) return adminError(404, 'key_not_found', `No key with id '${id}'`);
  switch (method) {
    case 'GET':
      return ok(await view(existing, cfg, deps));
    case 'PATCH': {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return adminError(400, 'invalid_json', 'Expected a JSON object');
      const c = checkFields(cfg, body as Body, now);
      if (!c.ok) return c.error;
      const updated = await repo.update(id, c.value);
      return ok(await view(updated ?? existing, cfg, deps));
    }
    case 'DELETE': {
      const revoked = await repo.revoke(id);
      return ok(await view(revoked ?? existing, cfg, deps));
    }
    default:
      return adminError(405, 'method_not_allowed', `${method} is not allowed on /admin/keys/{id}`);
  }
}
