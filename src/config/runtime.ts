// The compiled, frozen form of the config that the data plane runs. Only this reaches requests;
// a reload builds a new one and swaps the reference.
import type { Principal } from '../core/principal.js';
import type { ProviderType } from './schema.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Timeouts {
  readonly connectMs: number;
  readonly firstByteMs: number;
  /** Longest silence between two body chunks (streams included). */
  readonly idleMs: number;
  readonly totalMs: number;
}

export interface ProviderRuntime {
  readonly name: string;
  readonly type: ProviderType;
  /** scheme://host:port — the connection pool key. */
  readonly origin: string;
  /** Path prefix from base_url, without a trailing slash ('' or '/v1'). */
  readonly basePath: string;
  readonly apiKey: string | undefined;
  readonly apiVersion: string | undefined;
  readonly organization: string | undefined;
  /** OpenAI project header, or the Google Cloud project of a Vertex provider. */
  readonly project: string | undefined;
  /** AWS region (Bedrock) or Google Cloud location (Vertex). */
  readonly region: string | undefined;
  /** Bedrock SigV4 credentials (absent: Bearer api_key). */
  readonly awsCredentials?: AwsCredentials;
  readonly headers: Readonly<Record<string, string>>;
  readonly forwardHeaders: { readonly exact: ReadonlySet<string>; readonly prefixes: readonly string[] };
  readonly timeouts: Timeouts;
  readonly maxConnections: number;
  /** When a deployment's breaker opens (its own failures: 5xx, 429, timeouts — not client errors) and for how long. */
  readonly breaker: BreakerRuntime;
}

/** Structurally the state stores' BreakerPolicy (config does not import state). */
export interface BreakerRuntime {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  /** Also open when `ratio` of the outcomes in a window of `windowMs` failed, once `minRequests` were seen. */
  readonly failureRate?: { readonly ratio: number; readonly minRequests: number; readonly windowMs: number };
  readonly halfOpenProbes?: number;
}

export interface DeploymentRuntime {
  /** `provider/model`, as shown in receipts, logs and metrics. */
  readonly id: string;
  readonly provider: ProviderRuntime;
  readonly model: string;
  readonly weight: number;
  readonly dropParams: ReadonlySet<string>;
  readonly defaultMaxTokens: number | undefined;
  /** Declared in config where the model differs from its provider (undefined = the provider's). */
  readonly capabilities?: DeploymentCapabilities;
}

export interface DeploymentCapabilities {
  readonly images?: boolean;
  readonly tools?: boolean;
  /** Continues a trailing assistant message (prefill): a target for `stream_recovery: continue`. */
  readonly assistantPrefill?: boolean;
}

export interface ModelGroupRuntime {
  readonly name: string;
  readonly kind: 'chat' | 'embeddings';
  readonly strategy: 'weighted' | 'round-robin' | 'least-busy' | 'least-latency' | 'cost';
  readonly deployments: readonly DeploymentRuntime[];
  /** Other groups tried in order after this one (checked at load: known, same kind, no cycle). */
  readonly fallbacks: readonly string[];
  /** What a stream that fails after its first byte does (default `error`). */
  readonly streamRecovery?: 'error' | 'continue';
}

export interface ServerRuntime {
  readonly host: string;
  readonly port: number;
  readonly adminKeyHash: string | undefined;
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
  readonly watchConfig: boolean;
}

import type { BudgetPeriod, ScopeLimits } from '../core/limits.js';
export type { BudgetPeriod, ScopeLimits };

/** Nano-dollars per million tokens. Missing classes fall back as documented in policy/pricing. */
export interface PriceRuntime {
  readonly input: bigint;
  readonly output: bigint;
  readonly cachedInput: bigint | undefined;
  readonly cacheWrite: bigint | undefined;
  readonly reasoning: bigint | undefined;
  readonly maxOutputTokens: number | undefined;
}

export interface GovernanceRuntime {
  readonly timeZone: string;
  /** Serve unmetered (and say so) when the state store is unreachable, instead of refusing. */
  readonly failOpen: boolean;
  readonly spoolPath: string;
  /** How long a reservation lives if its request never settles (its replica died). */
  readonly leaseTtlMs: number;
}

export interface RuntimeConfig {
  /** Increases by one with every successful load in this process. */
  readonly generation: number;
  readonly sourcePath: string | undefined;
  readonly server: ServerRuntime;
  readonly logLevel: string;
  readonly storageUrl: string;
  readonly stateUrl: string;
  readonly simulator: { readonly host: string; readonly port: number } | undefined;
  readonly providers: ReadonlyMap<string, ProviderRuntime>;
  /** Providers switched off because their optional api_key was empty, with the reason. */
  readonly disabledProviders: ReadonlyMap<string, string>;
  /** Client-facing model names (group names and their aliases) → group. */
  readonly models: ReadonlyMap<string, ModelGroupRuntime>;
  /** sha256(key) hex → the principal it authenticates. Raw keys are not kept. */
  readonly keysByHash: ReadonlyMap<string, Principal>;
  /** Config keys' tags (metadata `tags: "a,b"`), by key id (`cfg:<name>`). */
  readonly keyTags: ReadonlyMap<string, readonly string[]>;
  /** Limits by scope id; a scope absent here has no limits (its spend is still tracked). */
  readonly scopeLimits: ReadonlyMap<string, ScopeLimits>;
  /** The organisation each configured key/user/team/org scope is counted under ('default' when none). */
  readonly scopeOrg: ReadonlyMap<string, string>;
  /** End-user scopes (`end_user:<id>`); undefined when the config has no `end_users` section (not tracked). */
  readonly endUsers: EndUsersRuntime | undefined;
  /** Config users' and teams' parents (`user:alice` → its team and org; `team:t` → its org). */
  readonly entityParents: ReadonlyMap<string, EntityParents>;
  /** Config price overrides by upstream model id (the built-in catalogue fills the rest). */
  readonly prices: ReadonlyMap<string, PriceRuntime>;
  readonly governance: GovernanceRuntime;
  readonly images: ImagesRuntime;
}

export interface EndUsersRuntime {
  readonly default: ScopeLimits | undefined;
  /** An override replaces the default entirely (undefined = tracked, not limited). */
  readonly overrides: ReadonlyMap<string, ScopeLimits | undefined>;
}

export interface EntityParents {
  readonly team: string | undefined;
  readonly org: string | undefined;
}

export interface ImagesRuntime {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Hostnames (lower case) that may be fetched even when they resolve to private addresses. */
  readonly allowHosts: ReadonlySet<string>;
}
