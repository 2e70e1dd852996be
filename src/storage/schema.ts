// Table shapes as the query layer sees them, after IntegerColumnsPlugin has normalised results:
// every integer reads back as a JS number, except money columns (named `*_nanos`, amounts in
// nano-dollars, see core/money.ts), which read back as bigint on both backends.
//
// JSON columns hold text; the repositories encode and decode them. Booleans are stored as
// integers 0/1 on both backends so that one representation serves both.
import type { Generated } from 'kysely';

export interface Database {
  ledger: LedgerTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  teams: TeamsTable;
  orgs: OrgsTable;
  gateway_instances: GatewayInstancesTable;
}

/** One row per running gateway process, kept fresh by its heartbeat (instance-registry.ts). */
export interface GatewayInstancesTable {
  id: string;
  host: string;
  pid: number;
  state_kind: string;
  /** 1 when the process's counters are shared with other replicas (Redis), else 0. */
  shared_state: number;
  /** Milliseconds since the epoch. */
  started_at: number;
  heartbeat_at: number;
}

/** One row per gateway request, whatever its outcome. */
export interface LedgerTable {
  request_id: string;
  /** Milliseconds since the epoch. */
  created_at: number;
  key_id: string | null;
  key_name: string | null;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user: string | null;
  /** The model the client asked for. */
  model: string;
  /** The deployment that served the request (the last attempt), if any did. */
  deployment: string | null;
  provider: string | null;
  surface: string;
  attempts: number;
  /** JSON array of {deployment, status, error_code, latency_ms}, one per attempt. */
  attempts_json: string;
  /** HTTP status returned to the client. */
  status: number;
  error_code: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_nanos: bigint;
  latency_ms: number;
  ttft_ms: number | null;
  /** 0 or 1. */
  stream: number;
  cache_status: string | null;
  /** JSON array of strings. */
  tags: string;
  /** JSON object. */
  metadata: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** Hash of the secret; the secret itself is never stored. */
  key_hash: string;
  /** The first few characters of the secret, for people to recognise a key in lists. */
  key_prefix: string;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  /** JSON array of model names, or null for every model. */
  models: string | null;
  metadata: Generated<string>;
  budget_nanos: bigint | null;
  budget_period: string | null;
  /** null = calendar periods; 'rolling' = the last 24 h / 7 d / 30 d. */
  budget_window: string | null;
  /** JSON object ({rpm, tpm, max_parallel, …}); the policy layer owns its shape. */
  limits: Generated<string>;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  /** Bumped on every change, so replicas can poll for revocations and edits. */
  updated_at: number;
}

/** Columns shared by users, teams and orgs. */
interface BudgetedEntityColumns {
  id: string;
  name: string | null;
  budget_nanos: bigint | null;
  budget_period: string | null;
  /** null = calendar periods; 'rolling' = the last 24 h / 7 d / 30 d. */
  budget_window: string | null;
  limits: Generated<string>;
  metadata: Generated<string>;
  created_at: number;
  /** Bumped on every change, deletion included, so replicas can poll for what changed. */
  updated_at: number;
  /** Soft deletion (admin API), so the deletion reaches polling replicas; null while alive. */
  deleted_at: number | null;
}

export interface UsersTable extends BudgetedEntityColumns {
  team_id: string | null;
  org_id: string | null;
}

export interface TeamsTable extends BudgetedEntityColumns {
  org_id: string | null;
}

export type OrgsTable = BudgetedEntityColumns;
