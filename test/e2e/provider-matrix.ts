// The provider table the end-to-end suites run over (tests only): one row per provider type (two for
// Bedrock: SigV4 and API key), each a model group on the simulator with the provider's own URL,
// auth and model names, and a price, so costs can be checked exactly. `matrixConfig` is the
// harness's default config plus every row; the suites keep one harness per file.
import { MOCK_AWS_ACCESS_KEY_ID, MOCK_AWS_SECRET_ACCESS_KEY } from '../../src/mock/bedrock/sigv4.js';
import { defaultConfig } from '../helpers/harness.js';

export interface ProviderRow {
  /** The row's name in test titles. */
  readonly name: string;
  readonly type: 'openai' | 'openai-compatible' | 'azure' | 'anthropic' | 'gemini' | 'vertex' | 'bedrock' | 'cohere' | 'mistral';
  /** The chat model group clients ask for. */
  readonly group: string;
  /** The upstream model (Azure: the deployment name). */
  readonly model: string;
  /** `x-tollgate-deployment`. */
  readonly deployment: string;
  /** The upstream path a chat request must reach. */
  chatPath(stream: boolean): string;
  /** The header that carries the upstream credential, and a check of its value. */
  readonly auth: readonly [header: string, check: RegExp];
  /** The provider cannot fetch image URLs: the gateway inlines them. */
  readonly inlineImages: boolean;
  /** The chat wire a request reaches (what the simulator answers in). */
  readonly wire: 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'cohere' | 'mistral';
}

const enc = encodeURIComponent;
const VERTEX_BASE = '/v1/projects/tollgate-test/locations/us-central1/publishers/google/models';

export const ROWS: readonly ProviderRow[] = [
  { name: 'openai', type: 'openai', group: 'p-openai', model: 'gpt-4o-mini', deployment: 'oa/gpt-4o-mini', chatPath: () => '/v1/chat/completions', auth: ['authorization', /^Bearer sk-openai-sim$/], inlineImages: false, wire: 'openai' },
  { name: 'openai-compatible', type: 'openai-compatible', group: 'p-compat', model: 'sim-model-1', deployment: 'sim/sim-model-1', chatPath: () => '/v1/chat/completions', auth: ['authorization', /^Bearer sk-compat-sim$/], inlineImages: false, wire: 'openai' },
  { name: 'azure', type: 'azure', group: 'p-azure', model: 'my-gpt4o-deployment', deployment: 'az/my-gpt4o-deployment', chatPath: () => '/openai/deployments/my-gpt4o-deployment/chat/completions', auth: ['api-key', /^azure-secret-key$/], inlineImages: false, wire: 'openai' },
  { name: 'anthropic', type: 'anthropic', group: 'p-anthropic', model: 'claude-sonnet-4-5', deployment: 'claude/claude-sonnet-4-5', chatPath: () => '/v1/messages', auth: ['x-api-key', /^sk-ant-simulated$/], inlineImages: false, wire: 'anthropic' },
  { name: 'gemini', type: 'gemini', group: 'p-gemini', model: 'gemini-2.5-flash', deployment: 'gem/gemini-2.5-flash', chatPath: (s) => `/v1beta/models/gemini-2.5-flash:${s ? 'streamGenerateContent' : 'generateContent'}`, auth: ['x-goog-api-key', /^gm-key-sim$/], inlineImages: true, wire: 'gemini' },
  { name: 'vertex', type: 'vertex', group: 'p-vertex', model: 'gemini-2.5-pro', deployment: 'vtx/gemini-2.5-pro', chatPath: (s) => `${VERTEX_BASE}/gemini-2.5-pro:${s ? 'streamGenerateContent' : 'generateContent'}`, auth: ['authorization', /^Bearer ya29\.vertex-token$/], inlineImages: true, wire: 'gemini' },
  { name: 'bedrock (SigV4)', type: 'bedrock', group: 'p-bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', deployment: 'br/anthropic.claude-3-5-haiku-20241022-v1:0', chatPath: (s) => `/model/${enc('anthropic.claude-3-5-haiku-20241022-v1:0')}/${s ? 'converse-stream' : 'converse'}`, auth: ['authorization', new RegExp(`^AWS4-HMAC-SHA256 Credential=${MOCK_AWS_ACCESS_KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=`)], inlineImages: true, wire: 'bedrock' },
  { name: 'bedrock (API key)', type: 'bedrock', group: 'p-bedrock-key', model: 'amazon.nova-lite-v1:0', deployment: 'brk/amazon.nova-lite-v1:0', chatPath: (s) => `/model/${enc('amazon.nova-lite-v1:0')}/${s ? 'converse-stream' : 'converse'}`, auth: ['authorization', /^Bearer bedrock-api-key-sim$/], inlineImages: true, wire: 'bedrock' },
  { name: 'cohere', type: 'cohere', group: 'p-cohere', model: 'command-a-03-2025', deployment: 'co/command-a-03-2025', chatPath: () => '/v2/chat', auth: ['authorization', /^Bearer co-key-sim$/], inlineImages: false, wire: 'cohere' },
  { name: 'mistral', type: 'mistral', group: 'p-mistral', model: 'mistral-large-latest', deployment: 'mi/mistral-large-latest', chatPath: () => '/mistral/v1/chat/completions', auth: ['authorization', /^Bearer mi-key-sim$/], inlineImages: false, wire: 'mistral' },
];

export interface EmbeddingsRow {
  readonly name: string;
  readonly group: string;
  readonly deployment: string;
  readonly path: string;
  /** The provider reports token counts (else the gateway bills its own count). */
  readonly reportsTokens: boolean;
}

export const EMBEDDING_ROWS: readonly EmbeddingsRow[] = [
  { name: 'openai', group: 'e-openai', deployment: 'oa/text-embedding-3-small', path: '/v1/embeddings', reportsTokens: true },
  { name: 'openai-compatible', group: 'e-compat', deployment: 'sim/sim-embed-1', path: '/v1/embeddings', reportsTokens: true },
  { name: 'azure', group: 'e-azure', deployment: 'az/my-embed-deployment', path: '/openai/deployments/my-embed-deployment/embeddings', reportsTokens: true },
  { name: 'gemini', group: 'e-gemini', deployment: 'gem/gemini-embedding-001', path: '/v1beta/models/gemini-embedding-001:batchEmbedContents', reportsTokens: false },
  { name: 'vertex', group: 'e-vertex', deployment: 'vtx/text-embedding-005', path: `${VERTEX_BASE}/text-embedding-005:predict`, reportsTokens: true },
  { name: 'bedrock (Titan)', group: 'e-bedrock', deployment: 'br/amazon.titan-embed-text-v2:0', path: `/model/${enc('amazon.titan-embed-text-v2:0')}/invoke`, reportsTokens: true },
  { name: 'bedrock (Cohere, API key)', group: 'e-bedrock-cohere', deployment: 'brk/cohere.embed-english-v3', path: `/model/${enc('cohere.embed-english-v3')}/invoke`, reportsTokens: true },
  { name: 'cohere', group: 'e-cohere', deployment: 'co/embed-english-v3.0', path: '/v2/embed', reportsTokens: true },
  { name: 'mistral', group: 'e-mistral', deployment: 'mi/mistral-embed', path: '/mistral/v1/embeddings', reportsTokens: true },
];

/** Every row's price per 1M tokens: input $1, output $2, cached input $0.5, cache write $4. */
export const PRICE = { input: 1, output: 2, cached_input: 0.5, cache_write: 4 } as const;

function providers(mockUrl: string): string {
  const common = '    forward_headers: [x-mock-*]\n    breaker: { failures: 1000 }\n';
  return [
    `  oa:\n    type: openai\n    base_url: ${mockUrl}/v1\n    api_key: sk-openai-sim\n${common}`,
    `  claude:\n    type: anthropic\n    base_url: ${mockUrl}/v1\n    api_key: sk-ant-simulated\n${common}`,
    `  gem:\n    type: gemini\n    base_url: ${mockUrl}/v1beta\n    api_key: gm-key-sim\n${common}`,
    `  vtx:\n    type: vertex\n    base_url: ${mockUrl}/v1\n    api_key: ya29.vertex-token\n    project: tollgate-test\n    location: us-central1\n${common}`,
    `  br:\n    type: bedrock\n    base_url: ${mockUrl}\n    region: us-east-1\n    access_key_id: ${MOCK_AWS_ACCESS_KEY_ID}\n    secret_access_key: ${MOCK_AWS_SECRET_ACCESS_KEY}\n${common}`,
    `  brk:\n    type: bedrock\n    base_url: ${mockUrl}\n    region: us-east-1\n    api_key: bedrock-api-key-sim\n${common}`,
    `  co:\n    type: cohere\n    base_url: ${mockUrl}/v2\n    api_key: co-key-sim\n${common}`,
    `  mi:\n    type: mistral\n    base_url: ${mockUrl}/mistral/v1\n    api_key: mi-key-sim\n${common}`,
  ].join('');
}

function groups(): string {
  const chat = ROWS.map((r) => {
    const [provider, ...rest] = r.deployment.split('/');
    const model = rest.join('/');
    // A second group per row whose deployment may drop what the provider cannot honour (R7).
    return (
      `  ${r.group}:\n    deployments: [ { provider: ${provider}, model: "${model}" } ]\n` +
      `  ${r.group}-lenient:\n    deployments: [ { provider: ${provider}, model: "${model}", drop_params: [seed, logprobs, top_logprobs, n, top_k, logit_bias, parallel_tool_calls, tool_choice, frequency_penalty, presence_penalty, response_format] } ]\n`
    );
  }).join('');
  const embed = EMBEDDING_ROWS.map((r) => {
    const [provider, ...rest] = r.deployment.split('/');
    return `  ${r.group}:\n    kind: embeddings\n    deployments: [ { provider: ${provider}, model: "${rest.join('/')}" } ]\n`;
  }).join('');
  // A stream that fails before its first output falls back (R6): Anthropic first, then Gemini.
  const fallback = '  fb-anthropic:\n    deployments: [ { provider: claude, model: claude-sonnet-4-5 } ]\n    fallbacks: [p-gemini]\n';
  return chat + embed + fallback;
}

function pricing(): string {
  const models = new Set([...ROWS.map((r) => r.model), ...EMBEDDING_ROWS.map((r) => r.deployment.split('/').slice(1).join('/'))]);
  const price = `{ input: ${PRICE.input}, output: ${PRICE.output}, cached_input: ${PRICE.cached_input}, cache_write: ${PRICE.cache_write} }`;
  return `pricing:\n${[...models].map((m) => `  "${m}": ${price}\n`).join('')}`;
}

/**
 * The default config with every row's provider and groups; the simulator's own compatible and Azure
 * providers (`sim`, `az`) get keys so their auth can be checked. `images` trusts the simulator's
 * host, so image URLs it serves may be fetched for inline-only providers.
 */
export function matrixConfig(mockUrl: string, extra = ''): string {
  const host = new URL(mockUrl).hostname;
  return defaultConfig(mockUrl, `${pricing()}images:\n  allow_hosts: ["${host}"]\n${extra}`)
    .replace('    base_url: ' + mockUrl + '/v1\n    forward_headers: [x-mock-*]', `    base_url: ${mockUrl}/v1\n    api_key: sk-compat-sim\n    forward_headers: [x-mock-*]`)
    .replace('models:\n', `${providers(mockUrl)}models:\n${groups()}`);
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The last request that reached the simulator. */
export async function lastUpstream(mockUrl: string): Promise<Recorded> {
  const list = (await (await fetch(`${mockUrl}/_mock/requests?limit=1`)).json()) as Recorded[];
  const last = list.at(-1);
  if (last === undefined) throw new Error('no request reached the simulator');
  return last;
}

/** The last `n` requests that reached the simulator, oldest first. */
export async function upstreams(mockUrl: string, n: number): Promise<Recorded[]> {
  return (await (await fetch(`${mockUrl}/_mock/requests?limit=${n}`)).json()) as Recorded[];
}

export interface LedgerRow {
  readonly request_id: string;
  readonly model: string;
  readonly deployment: string | null;
  readonly surface: string;
  readonly status: number;
  readonly error_code: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_nanos: string;
  readonly stream: number;
}

/** The ledger row of one request (by its x-tollgate-request-id), read through the admin API. */
export async function ledgerRow(gatewayUrl: string, group: string, requestId: string, adminKey: string): Promise<LedgerRow> {
  const res = await fetch(`${gatewayUrl}/admin/logs?model=${encodeURIComponent(group)}&limit=20`, { headers: { authorization: `Bearer ${adminKey}` } });
  const rows = ((await res.json()) as { data: LedgerRow[] }).data;
  const row = rows.find((r) => r.request_id === requestId);
  if (row === undefined) throw new Error(`no ledger row for ${requestId}`);
  return row;
}

/** The simulator's bill for one upstream model so far. */
export interface Bill {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly cached_tokens: number;
}

export async function billOf(mockUrl: string, model: string): Promise<Bill> {
  const s = (await (await fetch(`${mockUrl}/_mock/stats`)).json()) as { by_model: Record<string, Bill> };
  return s.by_model[model] ?? { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 };
}

/**
 * Nano-dollars for these tokens at the matrix price (exact: whole nano-dollars per token); `cached`
 * and `written` are the parts of `prompt` read from and written to the provider's cache.
 */
export function costNanosAt(prompt: number, completion: number, cached = 0, written = 0): bigint {
  const uncached = prompt - cached - written;
  return BigInt(uncached * PRICE.input * 1000 + cached * PRICE.cached_input * 1000 + written * PRICE.cache_write * 1000 + completion * PRICE.output * 1000);
}
