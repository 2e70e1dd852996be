// Route matching on a normalised path. Every inference path maps to the one pipeline; anything
// unknown is a 404 (never a silent pass-through that skips accounting).

export type Route =
  | { readonly kind: 'chat'; readonly name: string; readonly azureDeployment?: string }
  | { readonly kind: 'messages'; readonly name: string }
  | { readonly kind: 'responses'; readonly name: string }
  /** Gemini-native generateContent / streamGenerateContent (matched on the raw URL: see gemini-generate/path.ts). */
  | { readonly kind: 'gemini'; readonly name: string; readonly model: string; readonly stream: boolean }
  | { readonly kind: 'embeddings'; readonly name: string; readonly azureDeployment?: string }
  | { readonly kind: 'models'; readonly name: string }
  | { readonly kind: 'health-live' | 'health-ready' | 'metrics' | 'admin-openapi'; readonly name: string }
  | { readonly kind: 'admin-reload' | 'admin-deployments' | 'admin-spend' | 'admin-logs' | 'admin-reconcile'; readonly name: string }
  | { readonly kind: 'admin-keys'; readonly name: string; readonly id?: string }
  | { readonly kind: 'admin-users' | 'admin-teams' | 'admin-orgs'; readonly name: string; readonly id?: string };

interface Entry {
  readonly method: 'GET' | 'POST';
  readonly route: Route;
}

const EXACT = new Map<string, Entry>([
  ['/v1/chat/completions', { method: 'POST', route: { kind: 'chat', name: '/v1/chat/completions' } }],
  ['/chat/completions', { method: 'POST', route: { kind: 'chat', name: '/v1/chat/completions' } }],
  ['/v1/messages', { method: 'POST', route: { kind: 'messages', name: '/v1/messages' } }],
  ['/v1/responses', { method: 'POST', route: { kind: 'responses', name: '/v1/responses' } }],
  ['/responses', { method: 'POST', route: { kind: 'responses', name: '/v1/responses' } }],
  ['/v1/embeddings', { method: 'POST', route: { kind: 'embeddings', name: '/v1/embeddings' } }],
  ['/embeddings', { method: 'POST', route: { kind: 'embeddings', name: '/v1/embeddings' } }],
  ['/v1/models', { method: 'GET', route: { kind: 'models', name: '/v1/models' } }],
  ['/models', { method: 'GET', route: { kind: 'models', name: '/v1/models' } }],
  ['/health/live', { method: 'GET', route: { kind: 'health-live', name: '/health/live' } }],
  ['/health/ready', { method: 'GET', route: { kind: 'health-ready', name: '/health/ready' } }],
  ['/metrics', { method: 'GET', route: { kind: 'metrics', name: '/metrics' } }],
  ['/admin/config/reload', { method: 'POST', route: { kind: 'admin-reload', name: '/admin/config/reload' } }],
  ['/admin/deployments', { method: 'GET', route: { kind: 'admin-deployments', name: '/admin/deployments' } }],
  ['/admin/openapi.json', { method: 'GET', route: { kind: 'admin-openapi', name: '/admin/openapi.json' } }],
  ['/admin/spend', { method: 'GET', route: { kind: 'admin-spend', name: '/admin/spend' } }],
  ['/admin/logs', { method: 'GET', route: { kind: 'admin-logs', name: '/admin/logs' } }],
  ['/admin/reconcile', { method: 'GET', route: { kind: 'admin-reconcile', name: '/admin/reconcile' } }],
]);

const ADMIN_KEYS = /^\/admin\/keys(?:\/([^/]+))?$/;
const ADMIN_ENTITIES = /^\/admin\/(users|teams|orgs)(?:\/([^/]+))?$/;
const AZURE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

export type RouteMatch = { readonly ok: true; readonly route: Route } | { readonly ok: false; readonly status: 404 | 405 };

/** Collapses repeated slashes and drops a trailing slash, so `/v1//chat/completions/` is the same route. */
export function normalisePath(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  let p = q === -1 ? rawUrl : rawUrl.slice(0, q);
  if (p.includes('//')) p = p.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function matchRoute(method: string, path: string): RouteMatch {
  const e = EXACT.get(path);
  if (e) return e.method === method ? { ok: true, route: e.route } : { ok: false, status: 405 };
  const ak = ADMIN_KEYS.exec(path);
  if (ak) {
    const allowed = ak[1] === undefined ? ['GET', 'POST'] : ['GET', 'PATCH', 'DELETE'];
    if (!allowed.includes(method)) return { ok: false, status: 405 };
    return { ok: true, route: ak[1] === undefined ? { kind: 'admin-keys', name: '/admin/keys' } : { kind: 'admin-keys', name: '/admin/keys/{id}', id: decodeURIComponent(ak[1]) } };
  }
  const ae = ADMIN_ENTITIES.exec(path);
  if (ae) {
    const allowed = ae[2] === undefined ? ['GET', 'POST'] : ['GET', 'PATCH', 'DELETE'];
    if (!allowed.includes(method)) return { ok: false, status: 405 };
    const kind = `admin-${ae[1]}` as 'admin-users' | 'admin-teams' | 'admin-orgs';
    return { ok: true, route: ae[2] === undefined ? { kind, name: `/admin/${ae[1]}` } : { kind, name: `/admin/${ae[1]}/{id}`, id: decodeURIComponent(ae[2]) } };
  }
  const az = AZURE.exec(path);
  if (az) {
    if (method !== 'POST') return { ok: false, status: 405 };
    const deployment = decodeURIComponent(az[1]!);
    return az[2] === 'embeddings'
      ? { ok: true, route: { kind: 'embeddings', name: '/openai/deployments/{name}/embeddings', azureDeployment: deployment } }
      : { ok: true, route: { kind: 'chat', name: '/openai/deployments/{name}/chat/completions', azureDeployment: deployment } };
  }
  return { ok: false, status: 404 };
}
