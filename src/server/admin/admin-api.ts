// The admin API (Authorization: Bearer <admin key>). Each endpoint lives in its own file; this one
// authenticates and dispatches.
import type { IncomingHttpHeaders } from 'node:http';
import type { ConfigHolder } from '../../config/config-holder.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { isAdmin } from '../../policy/authenticate.js';
import type { CounterStore } from '../../state/counter-store.js';
import type { Storage } from '../../storage/storage.js';
import type { LedgerWriter } from '../../storage/ledger-writer.js';
import { reloadConfig } from './config-reload.js';
import { listDeployments } from './deployments.js';
import { listLogs } from './logs.js';
import { reconcile } from './reconcile.js';
import { scopeSpend } from './spend.js';
import { handleKeys } from './keys.js';
import { handleEntities } from './entities.js';
import type { ScopeRepos } from './scope-lookup.js';
import { EntityRepository } from '../../storage/entity-repository.js';
import type { KeyRepository } from '../../storage/key-repository.js';

export type AdminRoute = 'admin-reload' | 'admin-deployments' | 'admin-spend' | 'admin-logs' | 'admin-reconcile' | 'admin-keys' | 'admin-users' | 'admin-teams' | 'admin-orgs';

const ENTITY_ROUTES = { 'admin-users': 'user', 'admin-teams': 'team', 'admin-orgs': 'org' } as const;

/** One entity repository per database, built on first use (the composition root only passes keys). */
const entityRepos = new WeakMap<Storage, EntityRepository>();

function reposOf(deps: AdminDeps): ScopeRepos {
  let entities = entityRepos.get(deps.storage);
  if (!entities) entityRepos.set(deps.storage, (entities = new EntityRepository(deps.storage.db)));
  return { keys: deps.keys, entities };
}

export interface AdminDeps {
  readonly holder: ConfigHolder;
  readonly state: CounterStore;
  readonly storage: Storage;
  readonly ledger: LedgerWriter;
  readonly keys: KeyRepository;
  /**
   * This replica's cache of keys and entities: refreshed right after a write here, so a revocation
   * or a new limit applies on this replica at once (the others see it at their next poll, < 1 s).
   */
  readonly directory?: { refresh(): Promise<void> };
}

export interface AdminRequest {
  readonly method: string;
  readonly id?: string;
  readonly query: URLSearchParams;
  readonly body?: unknown;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

export function adminError(status: number, code: string, message: string, extra: Record<string, unknown> = {}): AdminResponse {
  const type = status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 404 ? 'not_found_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { status, body: JSON.stringify({ error: { type, code, message, ...extra } }) };
}

export function ok(value: unknown, status = 200): AdminResponse {
  return { status, body: JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) };
}

export async function handleAdmin(route: AdminRoute, cfg: RuntimeConfig, headers: IncomingHttpHeaders, req: AdminRequest, deps: AdminDeps): Promise<AdminResponse> {
  const query = req.query;
  if (!cfg.server.adminKeyHash) {
    return adminError(403, 'admin_disabled', 'The admin API is disabled: set server.admin_key (or TOLLGATE_ADMIN_KEY) to enable it');
  }
  if (!isAdmin(cfg, headers)) return adminError(401, 'invalid_admin_key', 'Send the admin key as "Authorization: Bearer <admin key>"');
  switch (route) {
    case 'admin-reload':
      return reloadConfig(cfg, deps.holder);
    case 'admin-deployments':
      return listDeployments(cfg, deps);
    case 'admin-spend':
      return scopeSpend(cfg, query, deps, reposOf(deps));
    case 'admin-logs':
      return listLogs(query, deps);
    case 'admin-reconcile':
      return reconcile(cfg, deps, reposOf(deps));
    case 'admin-keys':
      return refreshedAfterWrite(req.method, deps, await handleKeys(req.method, req.id, req.body, cfg, reposOf(deps), deps));
    case 'admin-users':
    case 'admin-teams':
    case 'admin-orgs':
      return refreshedAfterWrite(req.method, deps, await handleEntities(ENTITY_ROUTES[route], req.method, req.id, query, req.body, cfg, reposOf(deps), deps));
  }
}

async function refreshedAfterWrite(method: string, deps: AdminDeps, r: AdminResponse): Promise<AdminResponse> {
  // A failed refresh is not the write's failure: the poll catches up within a second.
  if (method !== 'GET' && r.status < 300) await deps.directory?.refresh().catch(() => undefined);
  return r;
}
