// The public config schema: what users write in YAML. Strict everywhere — an unknown key is an
// error, because a misspelt setting that is silently ignored is a feature that silently does not run.
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as "500ms", "30s", "5m", "1h" or "7d"' });
      return z.NEVER;
    }
    return ms;
  });

const size = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const b = parseSize(v);
    if (b === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a size such as "512kb" or "10mb"' });
      return z.NEVER;
    }
    return b;
  });

/** A request tag (x-tollgate-tags, key metadata `tags`, `tags:` budgets). */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/;
const tag = z.string().regex(TAG_PATTERN, 'expected a tag of letters, digits and _.:/- (at most 64)');

const url = z.string().refine((s) => URL.canParse(s), { message: 'expected an absolute URL' });
const httpUrl = url.refine((s) => /^https?:$/.test(new URL(s).protocol), { message: 'expected an http(s) URL' });
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'expected a name of letters, digits and ._:/-');

const timeouts = z.strictObject({
  connect: duration.optional(),
  first_byte: duration.optional(),
  idle: duration.optional(),
  total: duration.optional(),
});

/** Breaker windows and cooldowns are whole milliseconds, at least 1 (the state stores count in ms). */
const breakerDuration = duration.refine((ms) => Number.isSafeInteger(ms) && ms >= 1, { message: 'expected a duration of at least 1ms' });

const providerCommon = {
  base_url: httpUrl.optional(),
  api_key: z.string().optional(),
  /** A provider whose api_key resolves empty is switched off (logged) instead of a config error. */
  optional: z.boolean().default(false),
  headers: z.record(z.string(), z.string()).optional(),
  /** Client request headers copied to this upstream (exact names or `prefix-*`), e.g. `anthropic-beta`. */
  forward_headers: z.array(z.string().regex(/^[A-Za-z0-9-]+\*?$/, 'expected a header name or prefix-*')).optional(),
  timeouts: timeouts.optional(),
  max_connections: z.number().int().min(1).max(10_000).optional(),
  /** Circuit breaker per deployment: `failures` consecutive failures, or `failure_rate`, open it for `cooldown`. */
  breaker: z
    .strictObject({
      failures: z.number().int().min(1).default(5),
      cooldown: breakerDuration.default(30_000),
      /** Also open when `ratio` of the calls in a `window` failed, once `min_requests` were made in it. */
      failure_rate: z
        .strictObject({ ratio: z.number().gt(0).max(1), min_requests: z.number().int().min(1).default(10), window: breakerDuration.default(60_000) })
        .optional(),
      /** Calls let through at once as probes when the cooldown has passed (half-open). */
      half_open_probes: z.number().int().min(1).max(100).default(1),
    })
    .optional(),
  /** Spend on this provider across every caller and organisation (scope `provider:<name>`). */
  budget: z.lazy(() => budgetSchema).optional(),
};

export const providerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('openai'), ...providerCommon, organization: z.string().optional(), project: z.string().optional() }),
  z.strictObject({ type: z.literal('azure'), ...providerCommon, api_version: z.string().min(1) }),
  z.strictObject({ type: z.literal('openai-compatible'), ...providerCommon, base_url: httpUrl }),
  z.strictObject({ type: z.literal('anthropic'), ...providerCommon, anthropic_version: z.string().min(1).default('2023-06-01') }),
  z.strictObject({ type: z.literal('gemini'), ...providerCommon }),
  /** Vertex AI: api_key is an OAuth access token (Bearer); location `global`, `us`, `eu` or a region. */
  z.strictObject({ type: z.literal('vertex'), ...providerCommon, project: z.string().min(1), location: z.string().regex(/^[a-z0-9-]+$/, 'expected a location such as us-central1 or global') }),
  /**
   * Bedrock: either a Bedrock API key (api_key, sent as Bearer) or AWS credentials for SigV4
   * (access_key_id + secret_access_key, session_token for temporary ones).
   */
  z.strictObject({
    type: z.literal('bedrock'),
    ...providerCommon,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as us-east-1'),
    access_key_id: z.string().optional(),
    secret_access_key: z.string().optional(),
    session_token: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('cohere'), ...providerCommon }),
  z.strictObject({ type: z.literal('mistral'), ...providerCommon }),
]);

const usd = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const s = typeof v === 'number' ? String(v) : v.trim();
  if (!/^\d+(\.\d{1,9})?$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'expected a non-negative USD amount with at most 9 decimals, e.g. 50 or "0.25"' });
    return z.NEVER;
  }
  return s;
});

export const budgetSchema = z
  .strictObject({
    usd,
    /** Calendar periods in governance.timezone; `none` = a lifetime budget. */
    period: z.enum(['none', 'daily', 'weekly', 'monthly']).default('monthly'),
    /** `calendar`: the current day/week/month; `rolling`: the last 24 h / 7 d / 30 d. */
    window: z.enum(['calendar', 'rolling']).default('calendar'),
  })
  .refine((b) => !(b.window === 'rolling' && b.period === 'none'), { message: 'a rolling window needs a daily, weekly or monthly period', path: ['window'] });

export const limitsSchema = z.strictObject({
  rpm: z.number().int().min(1).optional(),
  tpm: z.number().int().min(1).optional(),
  max_parallel: z.number().int().min(1).optional(),
});

/** Per 1M tokens, in USD. Classes without a price are billed at the input (or output) price. */
export const priceSchema = z.strictObject({
  input: usd,
  output: usd,
  cached_input: usd.optional(),
  cache_write: usd.optional(),
  reasoning: usd.optional(),
  /** The model's output limit: the worst case reserved when a request sets no max_tokens. */
  max_output_tokens: z.number().int().min(1).optional(),
});

const entityCommon = {
  name,
  budget: budgetSchema.optional(),
  limits: limitsSchema.optional(),
  metadata: z.record(z.string(), z.string()).optional(),
};

export const deploymentSchema = z.strictObject({
  provider: name,
  /** The upstream model id (for azure: the deployment name). */
  model: z.string().min(1),
  weight: z.number().positive().default(1),
  /** Parameters this deployment may drop (and say so in the receipt) instead of refusing with 400. */
  drop_params: z.array(z.string().min(1)).optional(),
  /** Output cap sent to wires that require one (Anthropic) when the request sets none. */
  default_max_tokens: z.number().int().min(1).optional(),
  /**
   * What this deployment's model can take where it differs from its provider's defaults (a
   * text-only model: `images: false`): a request it cannot serve skips it, with the reason.
   */
  capabilities: z.strictObject({ images: z.boolean().optional(), tools: z.boolean().optional(), assistant_prefill: z.boolean().optional() }).optional(),
});

export const modelGroupSchema = z.strictObject({
  deployments: z.array(deploymentSchema).min(1),
  strategy: z.enum(['weighted', 'round-robin', 'least-busy', 'least-latency', 'cost']).default('weighted'),
  /** Other model groups tried, in order, when every deployment of this one failed or was skipped. */
  fallbacks: z.array(name).optional(),
  /**
   * A stream that fails after bytes reached the client: `error` (default) ends it with an error
   * event; `continue` resumes it on a prefill-capable fallback from the partial answer (routing.md).
   */
  stream_recovery: z.enum(['error', 'continue']).default('error'),
  /** What the group serves; defaults to chat. */
  kind: z.enum(['chat', 'embeddings']).default('chat'),
  aliases: z.array(name).optional(),
  /** Spend and limits on the model group itself, across all callers. */
  budget: budgetSchema.optional(),
  limits: limitsSchema.optional(),
});

export const keySchema = z.strictObject({
  name,
  key: z.string().min(16, 'a virtual key must be at least 16 characters'),
  models: z.array(name).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  user: name.optional(),
  team: name.optional(),
  org: name.optional(),
  budget: budgetSchema.optional(),
  limits: limitsSchema.optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65_535).default(4000),
      /** Empty means "no admin API" (so `${TOLLGATE_ADMIN_KEY:-}` works); TOLLGATE_ADMIN_KEY fills it when absent. */
      admin_key: z.string().refine((k) => k === '' || k.length >= 16, 'the admin key must be at least 16 characters').optional(),
      body_limit: size.default(10 * 1024 * 1024),
      shutdown_grace: duration.default(30_000),
      watch_config: z.boolean().default(true),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  storage: z.strictObject({ url: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'expected sqlite:… or postgres://…') }).prefault({ url: 'sqlite://./.tollgate/tollgate.db' }),
  state: z.strictObject({ url: z.string().regex(/^(memory:\/\/|rediss?:\/\/)/, 'expected memory:// or redis://…') }).prefault({ url: 'memory://' }),
  /** Runs the built-in provider simulator in the gateway process (quickstart, demos). */
  simulator: z.strictObject({ port: z.number().int().min(0).max(65_535), host: z.string().default('127.0.0.1') }).optional(),
  providers: z.record(name, providerSchema),
  models: z.record(name, modelGroupSchema),
  keys: z.array(keySchema).default([]),
  orgs: z.array(z.strictObject(entityCommon)).default([]),
  teams: z.array(z.strictObject({ ...entityCommon, org: name.optional() })).default([]),
  users: z.array(z.strictObject({ ...entityCommon, team: name.optional(), org: name.optional() })).default([]),
  /**
   * End users (the request's `user` field, Anthropic's `metadata.user_id`, or the
   * `x-tollgate-end-user` header): each gets its own scope `end_user:<id>` in its key's organisation,
   * limited by its override or the default.
   */
  end_users: z
    .strictObject({
      default: z.strictObject({ budget: budgetSchema.optional(), limits: limitsSchema.optional() }).optional(),
      overrides: z.array(z.strictObject({ id: z.string().min(1).max(256), budget: budgetSchema.optional(), limits: limitsSchema.optional() })).default([]),
    })
    .optional(),
  /** Budgets and limits on request tags (scope `tag:<name>`, counted per organisation). */
  tags: z.array(z.strictObject({ name: tag, budget: budgetSchema.optional(), limits: limitsSchema.optional() })).default([]),
  /** Per-model prices (upstream model ids), overriding the built-in catalogue. */
  pricing: z.record(z.string().min(1), priceSchema).default({}),
  /**
   * Image URLs the gateway fetches itself, for providers that only take inline bytes (Gemini,
   * Bedrock). Private, loopback and link-local addresses are refused unless their host is allowed.
   */
  images: z
    .strictObject({
      max_bytes: size.default(20 * 1024 * 1024),
      timeout: duration.default(10_000),
      allow_hosts: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  governance: z
    .strictObject({
      /** IANA time zone in which daily/weekly/monthly budget periods begin. */
      timezone: z.string().refine((tz) => { try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; } }, 'expected an IANA time zone such as "UTC" or "Europe/Paris"').default('UTC'),
      /** When the state store (Redis) cannot be reached: refuse requests (closed) or serve them unmetered and say so (open). */
      on_state_unavailable: z.enum(['closed', 'open']).default('closed'),
      /** Where ledger rows wait while the database is unreachable. */
      spool_path: z.string().default('./.tollgate/ledger-spool.jsonl'),
      /** Reservations are leases: a replica that dies mid-request gives its budget and slots back after this. Longer than any request. */
      lease_ttl: duration.refine((ms) => ms >= 1_000, 'expected at least 1s').default(600_000),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type ProviderType = ProviderConfig['type'];

/** Sections of the product's config that this version does not enforce yet: refused, never ignored. */
export const NOT_YET_SUPPORTED: Readonly<Record<string, string>> = {
  guardrails: 'guardrails arrive in a later release; configuring them now would not enforce them',
  cache: 'response caching arrives in a later release',
};
