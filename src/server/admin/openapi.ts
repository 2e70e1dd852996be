// The admin API's OpenAPI 3.1 document, served at GET /admin/openapi.json. A test checks that every
// admin route is described and that real responses match the schemas — which are closed
// (additionalProperties: false), so a field added to a response without documenting it fails too.

const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const budget = {
  type: 'object',
  additionalProperties: false,
  required: ['usd'],
  properties: {
    usd: { type: ['number', 'string'], description: 'USD, at most 9 decimals' },
    period: { enum: ['none', 'daily', 'weekly', 'monthly'], default: 'monthly' },
    window: { enum: ['calendar', 'rolling'], default: 'calendar', description: 'calendar: the current day/week/month (governance.timezone); rolling: the last 24 h / 7 d / 30 d' },
  },
};
const budgetView = { anyOf: [{ type: 'object', additionalProperties: false, required: ['usd', 'period', 'window'], properties: { usd: { type: 'number' }, period: { type: ['string', 'null'] }, window: { enum: ['calendar', 'rolling'] } } }, { type: 'null' }] };
const nanos = { type: 'string', pattern: '^-?[0-9]+$', description: 'exact, in nano-dollars' };
const nullableString = { type: ['string', 'null'] };
const ledgerRow = {
  type: 'object',
  additionalProperties: false,
  required: ['request_id', 'created_at', 'key_id', 'user_id', 'team_id', 'org_id', 'model', 'deployment', 'attempts', 'attempt_details', 'status', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nanos', 'latency_ms', 'cache_status'],
  properties: {
    request_id: { type: 'string' },
    created_at: { type: 'integer', description: 'ms since the epoch' },
    key_id: nullableString, key_name: nullableString, user_id: nullableString, team_id: nullableString, org_id: nullableString, end_user: nullableString,
    model: { type: 'string', description: 'the model the client asked for' },
    deployment: nullableString, provider: nullableString, surface: { type: 'string' },
    attempts: { type: 'integer' },
    attempt_details: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['deployment', 'status', 'error_code', 'latency_ms'], properties: { deployment: { type: 'string' }, status: { type: ['integer', 'null'] }, error_code: nullableString, latency_ms: { type: 'integer' }, continuation: { type: 'boolean', description: 'this call continued a stream another broke off' } } },
    },
    status: { type: 'integer' }, error_code: nullableString,
    input_tokens: { type: 'integer' }, cached_input_tokens: { type: 'integer' }, cache_write_tokens: { type: 'integer' }, output_tokens: { type: 'integer' }, reasoning_tokens: { type: 'integer' },
    cost_nanos: { ...nanos, description: 'every billed attempt together' },
    latency_ms: { type: 'integer' }, ttft_ms: { type: ['integer', 'null'] }, stream: { type: 'boolean' }, cache_status: nullableString,
    tags: { type: 'array', items: { type: 'string' } },
    metadata: { type: 'object', description: '`unpriced: true` for a model without a price; `charged_attempts` for attempts billed before a fallback' },
  },
};
const entityWrite = (parents: readonly string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$', description: 'The id; cannot change' },
    ...Object.fromEntries(parents.map((p) => [p, { type: ['string', 'null'], description: `A ${p} defined in the config or through the API` }])),
    budget: { anyOf: [budget, { type: 'null' }] },
    limits,
    metadata: { type: 'object' },
  },
});
const entityPaths = (plural: string, kind: string, parents: readonly string[]) => ({
  [`/admin/${plural}`]: {
    get: { summary: `List ${plural}: the config's (read-only) and the API's`, responses: { '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Entity' } } } }) } },
    post: {
      summary: `Create a ${kind}`,
      requestBody: { required: true, content: { 'application/json': { schema: { allOf: [entityWrite(parents), { required: ['name'] }] } } } },
      responses: { '201': json({ $ref: '#/components/schemas/Entity' }, 'Created'), '400': errorResponse('A field is invalid; `param` names it'), '409': errorResponse('The name exists (`entity_exists`) or is defined in the config (`entity_defined_in_config`)') },
    },
  },
  [`/admin/${plural}/{id}`]: {
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The name' }],
    get: { summary: `One ${kind} with its spend in the current period`, responses: { '200': json({ $ref: '#/components/schemas/Entity' }), '404': errorResponse(`No such ${kind}`) } },
    patch: {
      summary: `Change a ${kind}; applies on every replica within a second`,
      requestBody: { content: { 'application/json': { schema: entityWrite(parents) } } },
      responses: { '200': json({ $ref: '#/components/schemas/Entity' }), '400': errorResponse('Invalid field'), '404': errorResponse(`No such ${kind}`), '409': errorResponse('Defined in the config (read-only here)') },
    },
    delete: {
      summary: `Delete a ${kind}. Refused (409 entity_in_use) while keys or members name it, unless force=true: its keys are then revoked and its members detached`,
      parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' } }],
      responses: { '200': json({ $ref: '#/components/schemas/Entity' }), '404': errorResponse(`No such ${kind}`), '409': errorResponse('In use, or defined in the config') },
    },
  },
});
const limits = { type: 'object', additionalProperties: false, properties: { rpm: { type: 'integer', minimum: 1 }, tpm: { type: 'integer', minimum: 1 }, max_parallel: { type: 'integer', minimum: 1 } } };
const keyWrite = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' },
    user: { type: ['string', 'null'] },
    team: { type: ['string', 'null'] },
    org: { type: ['string', 'null'] },
    budget: { anyOf: [budget, { type: 'null' }] },
    limits,
    models: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
    expires_in: { type: 'string', description: '"90s", "12h", "30d", "2w" or calendar months "1mo" (same day next month, clamped to its last day)' },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    metadata: { type: 'object' },
  },
};

export const ADMIN_OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Tollgate admin API', version: '1', description: 'Authorization: Bearer <admin key> on every endpoint but this document.' },
  components: {
    securitySchemes: { adminKey: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['type', 'code', 'message'], properties: { type: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' } } } },
      },
      Key: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'key_prefix', 'budget', 'limits', 'spend_usd', 'reserved_usd', 'expires_at', 'revoked_at', 'created_at'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          key_prefix: { type: 'string' },
          key: { type: 'string', description: 'Only in the response to POST /admin/keys: the one time the key is shown' },
          user: { type: ['string', 'null'] },
          team: { type: ['string', 'null'] },
          org: { type: ['string', 'null'] },
          models: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
          budget: budgetView,
          limits: { type: 'object' },
          metadata: { type: 'object' },
          spend_usd: { type: ['number', 'null'] },
          reserved_usd: { type: ['number', 'null'] },
          expires_at: { type: ['string', 'null'] },
          revoked_at: { type: ['string', 'null'] },
          created_at: { type: 'string' },
        },
      },
      KeyWrite: keyWrite,
      Entity: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'kind', 'source', 'budget', 'limits', 'spend_usd', 'reserved_usd'],
        properties: {
          name: { type: 'string' },
          kind: { enum: ['user', 'team', 'org'] },
          source: { enum: ['config', 'api'], description: 'config: read-only here' },
          team: { type: ['string', 'null'] },
          org: { type: ['string', 'null'] },
          budget: budgetView,
          limits: { type: 'object' },
          metadata: { type: 'object' },
          spend_usd: { type: ['number', 'null'] },
          reserved_usd: { type: ['number', 'null'] },
          created_at: { type: ['string', 'null'] },
          updated_at: { type: ['string', 'null'] },
          deleted: { type: 'boolean', description: 'Only in the response to DELETE' },
          revoked_keys: { type: 'integer' },
          detached_members: { type: 'integer' },
        },
      },
      Spend: {
        type: 'object',
        additionalProperties: false,
        required: ['scope', 'org', 'source', 'period', 'period_id', 'spend_usd', 'reserved_usd', 'spend_nanos', 'reserved_nanos', 'requests', 'in_flight'],
        properties: {
          scope: { type: 'string' }, org: { type: ['string', 'null'] }, period: { type: 'string' }, period_id: { type: 'string' },
          source: { enum: ['counters', 'ledger'], description: 'ledger for tags and providers without a budget' },
          window: { enum: ['calendar', 'rolling'] },
          spend_usd: { type: 'number' }, reserved_usd: { type: 'number' },
          spend_nanos: { type: 'string', description: 'exact, in nano-dollars' }, reserved_nanos: { type: 'string' },
          budget_usd: { type: ['number', 'null'] }, requests: { type: 'integer' }, in_flight: { type: 'integer' },
          requests_last_minute: { type: 'integer' }, tokens_last_minute: { type: 'integer' },
          from: { type: ['string', 'null'], description: 'ledger answers: start of the span' }, to: { type: ['string', 'null'] },
          input_tokens: { type: 'integer', description: 'ledger answers only' }, output_tokens: { type: 'integer' },
        },
      },
      LedgerRow: ledgerRow,
      Reconcile: {
        type: 'object',
        required: ['ok', 'total_abs_drift_nanos', 'scopes'],
        additionalProperties: false,
        properties: {
          ok: { type: 'boolean' },
          total_abs_drift_nanos: nanos,
          scopes: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['scope', 'period', 'counters_spend_nanos', 'ledger_spend_nanos', 'drift_nanos', 'drift_usd', 'reserved_nanos', 'ledger_requests'],
              properties: {
                scope: { type: 'string' }, period: { type: 'string' },
                counters_spend_nanos: nanos, ledger_spend_nanos: nanos, drift_nanos: { ...nanos, description: 'counters − ledger' }, drift_usd: { type: 'number' },
                reserved_nanos: nanos, ledger_requests: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
  security: [{ adminKey: [] }],
  paths: {
    '/admin/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
    '/admin/keys': {
      get: { summary: 'List keys (never the keys themselves)', responses: { '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Key' } } } }), '401': errorResponse('Wrong admin key') } },
      post: {
        summary: 'Create a key; the response is the only time it is shown',
        requestBody: { required: true, content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/KeyWrite' }, { required: ['name'] }] } } } },
        responses: { '201': json({ $ref: '#/components/schemas/Key' }, 'Created'), '400': errorResponse('A field is invalid; `param` names it') },
      },
    },
    '/admin/keys/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { summary: 'One key with its spend', responses: { '200': json({ $ref: '#/components/schemas/Key' }), '404': errorResponse('No such key') } },
      patch: { summary: 'Change a key (limits, budget, models, expiry, metadata, name)', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/KeyWrite' } } } }, responses: { '200': json({ $ref: '#/components/schemas/Key' }), '400': errorResponse('Invalid field'), '404': errorResponse('No such key') } },
      delete: { summary: 'Revoke a key (effective on every replica within a second)', responses: { '200': json({ $ref: '#/components/schemas/Key' }), '404': errorResponse('No such key') } },
    },
    ...entityPaths('users', 'user', ['team', 'org']),
    ...entityPaths('teams', 'team', ['org']),
    ...entityPaths('orgs', 'org', []),
    '/admin/spend': {
      get: {
        summary: 'Spend of a scope in its current budget period or rolling window, from the counters (from the ledger for unbudgeted tags and providers)',
        parameters: [
          { name: 'scope', in: 'query', required: true, schema: { type: 'string', pattern: '^(key|user|team|org|model|end_user|provider|tag):.+$' } },
          { name: 'org', in: 'query', schema: { type: 'string' }, description: 'For model, end_user and tag scopes (counted per organisation; default `default`)' },
          { name: 'from', in: 'query', schema: { type: 'string' }, description: 'Ledger answers only: start of the span (ISO 8601 or ms)' },
          { name: 'to', in: 'query', schema: { type: 'string' }, description: 'Ledger answers only: end of the span (exclusive)' },
        ],
        responses: { '200': json({ $ref: '#/components/schemas/Spend' }), '400': errorResponse('Bad scope'), '404': errorResponse('No such key, user, team or org') },
      },
    },
    '/admin/logs': {
      get: {
        summary: 'Ledger rows, newest first',
        parameters: ['key', 'model'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })).concat([
          { name: 'status', in: 'query', schema: { type: 'integer' } } as never,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } as never,
        ]),
        responses: { '200': json({ type: 'object', additionalProperties: false, required: ['data'], properties: { data: { type: 'array', items: { $ref: '#/components/schemas/LedgerRow' } } } }), '400': errorResponse('Bad limit or status') },
      },
    },
    '/admin/reconcile': { get: { summary: 'Counters against the ledger per configured scope (drift 0 when all is well)', responses: { '200': json({ $ref: '#/components/schemas/Reconcile' }) } } },
    '/admin/deployments': { get: { summary: 'Every deployment and switched-off provider', responses: { '200': json({ type: 'object' }) } } },
    '/admin/config/reload': { post: { summary: 'Re-read the config file; swap only if it is valid', responses: { '200': json({ type: 'object' }), '422': errorResponse('The new config was refused; `problems` lists why') } } },
  },
} as const;

export const ADMIN_OPENAPI_JSON = JSON.stringify(ADMIN_OPENAPI);
