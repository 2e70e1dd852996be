// compile(): validated public config → frozen RuntimeConfig, plus the semantic checks that a schema
// cannot express (references between sections, duplicates). Pure: no I/O.
import { createHash } from 'node:crypto';
import type { Principal } from '../core/principal.js';
import { deepFreeze } from '../core/freeze.js';
import { usdToNanos } from '../core/money.js';
import { compileBreaker } from './compile-breaker.js';
import { findFallbackCycle } from './fallback-graph.js';
import { TAG_PATTERN, type Config, type ProviderConfig } from './schema.js';
import type { ConfigProblem } from './problems.js';
import type { AwsCredentials } from './runtime.js';
import type { DeploymentRuntime, EndUsersRuntime, ModelGroupRuntime, PriceRuntime, ProviderRuntime, RuntimeConfig, ScopeLimits } from './runtime.js';

/** Where each provider type lives unless base_url says otherwise (providers.md). */
function defaultBaseUrl(p: ProviderConfig): string | undefined {
  switch (p.type) {
    case 'openai':
      return 'https://api.openai.com/v1';
    case 'anthropic':
      return 'https://api.anthropic.com/v1';
    case 'gemini':
      return 'https://generativelanguage.googleapis.com/v1beta';
    case 'vertex':
      return `https://${vertexHost(p.location)}/v1`;
    case 'bedrock':
      return `https://bedrock-runtime.${p.region}.amazonaws.com`;
    case 'cohere':
      return 'https://api.cohere.com/v2';
    case 'mistral':
      return 'https://api.mistral.ai/v1';
    case 'azure':
    case 'openai-compatible':
      return undefined;
  }
}

/** Vertex hosts: `global` and the multi-regions have their own (providers.md §5). */
function vertexHost(location: string): string {
  if (location === 'global') return 'aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `aiplatform.${location}.rep.googleapis.com`;
  return `${location}-aiplatform.googleapis.com`;
}

const KEY_REQUIRED: ReadonlySet<ProviderConfig['type']> = new Set(['openai', 'azure', 'anthropic', 'gemini', 'vertex', 'cohere', 'mistral']);

/** Bedrock's SigV4 credentials, or a problem when they are half given or absent without an api_key. */
function awsCredentials(p: ProviderConfig, path: string, problems: ConfigProblem[]): AwsCredentials | undefined | null {
  if (p.type !== 'bedrock') return undefined;
  const id = p.access_key_id === '' ? undefined : p.access_key_id;
  const secret = p.secret_access_key === '' ? undefined : p.secret_access_key;
  if (id !== undefined && secret !== undefined) {
    const token = p.session_token === '' ? undefined : p.session_token;
    return { accessKeyId: id, secretAccessKey: secret, ...(token !== undefined ? { sessionToken: token } : {}) };
  }
  if (id !== undefined || secret !== undefined) {
    problems.push({ path: `${path}.${id === undefined ? 'access_key_id' : 'secret_access_key'}`, message: 'access_key_id and secret_access_key go together', expected: 'both, or neither (then api_key)', actual: 'empty' });
    return null;
  }
  return undefined;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

type LimitedEntry = {
  budget?: { usd: string; period: ScopeLimits['period']; window?: 'calendar' | 'rolling' };
  limits?: { rpm?: number; tpm?: number; max_parallel?: number };
};

function toScopeLimits(e: LimitedEntry): ScopeLimits | undefined {
  if (!e.budget && !e.limits) return undefined;
  const period = e.budget?.period ?? 'none';
  return {
    budgetNanos: e.budget ? usdToNanos(e.budget.usd) : undefined,
    period,
    ...(e.budget?.window === 'rolling' && period !== 'none' ? { window: 'rolling' as const } : {}),
    rpm: e.limits?.rpm,
    tpm: e.limits?.tpm,
    maxParallel: e.limits?.max_parallel,
  };
}

export type CompileResult = { ok: true; config: RuntimeConfig } | { ok: false; problems: ConfigProblem[] };

export function compile(cfg: Config, opts: { generation: number; sourcePath?: string }): CompileResult {
  const problems: ConfigProblem[] = [];
  const providers = new Map<string, ProviderRuntime>();
  const disabled = new Map<string, string>();

  for (const [pname, p] of Object.entries(cfg.providers)) {
    const path = `providers.${pname}`;
    const apiKey = p.api_key === '' ? undefined : p.api_key;
    const aws = awsCredentials(p, path, problems);
    if (aws === null) continue;
    const needsKey = KEY_REQUIRED.has(p.type) || (p.type === 'bedrock' && aws === undefined);
    if (needsKey && apiKey === undefined) {
      if (p.optional) {
        disabled.set(pname, 'api_key is empty');
        continue;
      }
      const expected = p.type === 'bedrock' ? 'a Bedrock API key, or access_key_id + secret_access_key (or set optional: true)' : 'a non-empty string (or set optional: true)';
      problems.push({ path: `${path}.api_key`, message: `a ${p.type} provider needs an api_key`, expected, actual: 'empty' });
      continue;
    }
    const base = p.base_url ?? defaultBaseUrl(p);
    if (base === undefined) {
      problems.push({ path: `${path}.base_url`, message: `a ${p.type} provider needs a base_url`, expected: 'an http(s) URL' });
      continue;
    }
    const u = new URL(base);
    const fwd = p.forward_headers ?? [];
    providers.set(pname, {
      name: pname,
      type: p.type,
      origin: u.origin,
      basePath: u.pathname.replace(/\/+$/, ''),
      apiKey,
      apiVersion: p.type === 'azure' ? p.api_version : p.type === 'anthropic' ? p.anthropic_version : undefined,
      organization: p.type === 'openai' ? p.organization : undefined,
      project: p.type === 'openai' || p.type === 'vertex' ? p.project : undefined,
      region: p.type === 'bedrock' ? p.region : p.type === 'vertex' ? p.location : undefined,
      ...(aws !== undefined ? { awsCredentials: aws } : {}),
      headers: { ...(p.headers ?? {}) },
      forwardHeaders: {
        exact: new Set(fwd.filter((h) => !h.endsWith('*')).map((h) => h.toLowerCase())),
        prefixes: fwd.filter((h) => h.endsWith('*')).map((h) => h.slice(0, -1).toLowerCase()),
      },
      timeouts: {
        connectMs: p.timeouts?.connect ?? 10_000,
        firstByteMs: p.timeouts?.first_byte ?? 120_000,
        idleMs: p.timeouts?.idle ?? 120_000,
        totalMs: p.timeouts?.total ?? 600_000,
      },
      maxConnections: p.max_connections ?? 256,
      breaker: compileBreaker(p.breaker),
    });
  }

  const models = new Map<string, ModelGroupRuntime>();
  for (const [gname, g] of Object.entries(cfg.models)) {
    const deployments: DeploymentRuntime[] = [];
    g.deployments.forEach((d, i) => {
      const provider = providers.get(d.provider);
      if (provider) {
        const c = d.capabilities;
        const capabilities = c && { images: c.images, tools: c.tools, assistantPrefill: c.assistant_prefill };
        deployments.push({ id: `${d.provider}/${d.model}`, provider, model: d.model, weight: d.weight, dropParams: new Set(d.drop_params ?? []), defaultMaxTokens: d.default_max_tokens, ...(capabilities ? { capabilities } : {}) });
      } else if (!disabled.has(d.provider) && !(d.provider in cfg.providers)) {
        problems.push({
          path: `models.${gname}.deployments.${i}.provider`,
          message: 'unknown provider',
          expected: `one of ${Object.keys(cfg.providers).join(', ') || '(no providers configured)'}`,
          actual: JSON.stringify(d.provider),
        });
      }
    });
    // A group whose every provider is switched off (optional key unset) is simply not served.
    if (deployments.length === 0) continue;
    const group: ModelGroupRuntime = { name: gname, kind: g.kind, strategy: g.strategy, deployments, fallbacks: g.fallbacks ?? [], streamRecovery: g.stream_recovery };
    for (const n of [gname, ...(g.aliases ?? [])]) {
      const prior = models.get(n);
      if (prior) {
        problems.push({ path: `models.${gname}`, message: `model name '${n}' is already used by '${prior.name}'` });
      }
      models.set(n, group);
    }
  }

  for (const [gname, g] of Object.entries(cfg.models)) {
    (g.fallbacks ?? []).forEach((f, i) => {
      const target = cfg.models[f];
      if (!target) problems.push({ path: `models.${gname}.fallbacks.${i}`, message: 'unknown model group', expected: 'a name under models:', actual: JSON.stringify(f) });
      else if (target.kind !== g.kind) problems.push({ path: `models.${gname}.fallbacks.${i}`, message: `a ${g.kind} group cannot fall back to a ${target.kind} group`, actual: JSON.stringify(f) });
    });
  }
  const cycle = findFallbackCycle(cfg.models);
  if (cycle) problems.push({ path: `models.${cycle[0]}.fallbacks`, message: `fallbacks form a cycle: ${cycle.join(' → ')}` });

  const scopeLimits = new Map<string, ScopeLimits>();
  const addLimits = (scope: string, e: LimitedEntry) => {
    const l = toScopeLimits(e);
    if (l) scopeLimits.set(scope, l);
  };
  for (const [gname, g] of Object.entries(cfg.models)) addLimits(`model:${gname}`, g);
  // Provider budgets count every caller's spend on the provider (ARCHITECTURE: global scope).
  for (const [pname, p] of Object.entries(cfg.providers)) if (providers.has(pname)) addLimits(`provider:${pname}`, { budget: p.budget });
  for (const t of cfg.tags) {
    if (scopeLimits.has(`tag:${t.name}`)) problems.push({ path: 'tags', message: 'duplicate tag', actual: JSON.stringify(t.name) });
    addLimits(`tag:${t.name}`, t);
  }
  let endUsers: EndUsersRuntime | undefined;
  if (cfg.end_users) {
    const overrides = new Map<string, ScopeLimits | undefined>();
    cfg.end_users.overrides.forEach((o, i) => {
      if (overrides.has(o.id)) problems.push({ path: `end_users.overrides.${i}.id`, message: 'duplicate end user id', actual: JSON.stringify(o.id) });
      overrides.set(o.id, toScopeLimits(o));
    });
    endUsers = { default: cfg.end_users.default ? toScopeLimits(cfg.end_users.default) : undefined, overrides };
  }

  // Organisations ⊃ teams ⊃ users ⊃ keys. References must name a declared entity (a typo would
  // otherwise create a scope nobody limits), and a chain must agree with itself.
  const orgs = new Set<string>();
  const teams = new Map<string, { org?: string }>();
  const users = new Map<string, { team?: string; org?: string }>();
  const unique = (kind: string, seen: Set<string> | Map<string, unknown>, n: string, path: string) => {
    if (seen.has(n)) problems.push({ path, message: `duplicate ${kind} name`, actual: JSON.stringify(n) });
  };
  cfg.orgs.forEach((o, i) => {
    unique('org', orgs, o.name, `orgs.${i}.name`);
    orgs.add(o.name);
    addLimits(`org:${o.name}`, o);
  });
  const ref = (kind: 'org' | 'team' | 'user', n: string | undefined, path: string) => {
    if (n === undefined) return;
    const known = kind === 'org' ? orgs.has(n) : kind === 'team' ? teams.has(n) : users.has(n);
    if (!known) problems.push({ path, message: `unknown ${kind}`, expected: `a name under ${kind}s:`, actual: JSON.stringify(n) });
  };
  cfg.teams.forEach((t, i) => {
    unique('team', teams, t.name, `teams.${i}.name`);
    ref('org', t.org, `teams.${i}.org`);
    teams.set(t.name, { org: t.org });
    addLimits(`team:${t.name}`, t);
  });
  cfg.users.forEach((u, i) => {
    unique('user', users, u.name, `users.${i}.name`);
    ref('team', u.team, `users.${i}.team`);
    ref('org', u.org, `users.${i}.org`);
    const teamOrg = u.team ? teams.get(u.team)?.org : undefined;
    if (u.org && teamOrg && u.org !== teamOrg) problems.push({ path: `users.${i}.org`, message: `user's org differs from its team's org '${teamOrg}'`, actual: JSON.stringify(u.org) });
    users.set(u.name, { team: u.team, org: u.org ?? teamOrg });
    addLimits(`user:${u.name}`, u);
  });

  const prices = new Map<string, PriceRuntime>();
  for (const [model, p] of Object.entries(cfg.pricing)) {
    prices.set(model, {
      input: usdToNanos(p.input),
      output: usdToNanos(p.output),
      cachedInput: p.cached_input === undefined ? undefined : usdToNanos(p.cached_input),
      cacheWrite: p.cache_write === undefined ? undefined : usdToNanos(p.cache_write),
      reasoning: p.reasoning === undefined ? undefined : usdToNanos(p.reasoning),
      maxOutputTokens: p.max_output_tokens,
    });
  }

  const scopeOrg = new Map<string, string>();
  const entityParents = new Map<string, { team: string | undefined; org: string | undefined }>();
  for (const [t, v] of teams) entityParents.set(`team:${t}`, { team: undefined, org: v.org });
  for (const [u, v] of users) entityParents.set(`user:${u}`, { team: v.team, org: v.org });
  for (const o of orgs) scopeOrg.set(`org:${o}`, o);
  for (const [t, v] of teams) scopeOrg.set(`team:${t}`, v.org ?? 'default');
  for (const [u, v] of users) scopeOrg.set(`user:${u}`, v.org ?? 'default');

  const keysByHash = new Map<string, Principal>();
  const keyTags = new Map<string, readonly string[]>();
  const names = new Set<string>();
  cfg.keys.forEach((k, i) => {
    const path = `keys.${i}`;
    if (names.has(k.name)) problems.push({ path: `${path}.name`, message: 'duplicate key name', actual: JSON.stringify(k.name) });
    names.add(k.name);
    const hash = sha256Hex(k.key);
    // Never echo the key itself: name the other entry instead.
    if (keysByHash.has(hash)) problems.push({ path: `${path}.key`, message: `same key value as '${keysByHash.get(hash)!.keyName}'` });
    for (const m of k.models ?? []) {
      if (!(m in cfg.models) && ![...Object.values(cfg.models)].some((g) => g.aliases?.includes(m))) {
        problems.push({ path: `${path}.models`, message: 'unknown model', expected: 'a name under models:', actual: JSON.stringify(m) });
      }
    }
    ref('user', k.user, `${path}.user`);
    ref('team', k.team, `${path}.team`);
    ref('org', k.org, `${path}.org`);
    const u = k.user ? users.get(k.user) : undefined;
    if (k.team && u?.team && k.team !== u.team) problems.push({ path: `${path}.team`, message: `key's team differs from its user's team '${u.team}'`, actual: JSON.stringify(k.team) });
    const teamId = k.team ?? u?.team;
    const orgId = k.org ?? u?.org ?? (teamId ? teams.get(teamId)?.org : undefined);
    const keyId = `cfg:${k.name}`;
    addLimits(`key:${keyId}`, k);
    const tags = [...new Set((k.metadata?.['tags'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''))];
    const badTag = tags.find((t) => !TAG_PATTERN.test(t));
    if (badTag !== undefined) problems.push({ path: `${path}.metadata.tags`, message: 'not a tag', expected: 'comma-separated tags of letters, digits and _.:/- (at most 64 each)', actual: JSON.stringify(badTag) });
    else if (tags.length > 16) problems.push({ path: `${path}.metadata.tags`, message: 'at most 16 tags' });
    else if (tags.length > 0) keyTags.set(keyId, tags);
    scopeOrg.set(`key:${keyId}`, orgId ?? 'default');
    keysByHash.set(hash, {
      keyId,
      keyName: k.name,
      userId: k.user,
      teamId,
      orgId,
      models: k.models ? new Set(k.models) : undefined,
      expiresAt: k.expires_at ? Date.parse(k.expires_at) : undefined,
    });
  });

  if (problems.length > 0) return { ok: false, problems };
  const runtime: RuntimeConfig = {
    generation: opts.generation,
    sourcePath: opts.sourcePath,
    server: {
      host: cfg.server.host,
      port: cfg.server.port,
      adminKeyHash: cfg.server.admin_key ? sha256Hex(cfg.server.admin_key) : undefined,
      bodyLimitBytes: cfg.server.body_limit,
      shutdownGraceMs: cfg.server.shutdown_grace,
      watchConfig: cfg.server.watch_config,
    },
    logLevel: cfg.logging.level,
    storageUrl: cfg.storage.url,
    stateUrl: cfg.state.url,
    simulator: cfg.simulator,
    providers,
    disabledProviders: disabled,
    models,
    keysByHash,
    keyTags,
    scopeLimits,
    scopeOrg,
    entityParents,
    endUsers,
    prices,
    governance: {
      timeZone: cfg.governance.timezone,
      failOpen: cfg.governance.on_state_unavailable === 'open',
      spoolPath: cfg.governance.spool_path,
      leaseTtlMs: cfg.governance.lease_ttl,
    },
    images: {
      maxBytes: cfg.images.max_bytes,
      timeoutMs: cfg.images.timeout,
      allowHosts: new Set(cfg.images.allow_hosts.map((h) => h.toLowerCase())),
    },
  };
  // Maps and Sets are frozen as objects but stay mutable through their methods; nothing in the
  // code base writes to them after this point (they are typed Readonly*).
  return { ok: true, config: deepFreeze(runtime) };
}
