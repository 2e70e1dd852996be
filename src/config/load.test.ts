import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from './load.js';
import { ConfigError, type ConfigProblem } from './problems.js';

const BASE = `
providers:
  sim: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 }
models:
  chat:
    deployments: [ { provider: sim, model: m1 } ]
keys:
  - { name: ci, key: sk-test-0123456789abcdef }
`;

function problems(text: string, env: Record<string, string> = {}): ConfigProblem[] {
  try {
    loadConfigText(text, { env });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail('expected the config to be refused');
}

test('loads a valid config into a frozen runtime config with hashed keys', () => {
  const cfg = loadConfigText(BASE, { env: {} });
  assert.equal(cfg.server.port, 4000);
  assert.equal(cfg.models.get('chat')?.deployments[0]?.id, 'sim/m1');
  assert.equal(cfg.providers.get('sim')?.basePath, '/v1');
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.server));
  assert.equal(cfg.keysByHash.size, 1);
  assert.ok(![...cfg.keysByHash.keys()].some((k) => k.includes('sk-test')), 'raw keys are not kept');
});

test('reports a YAML syntax error with its line', () => {
  const p = problems('providers: {\n  a: [\n');
  assert.match(p[0]!.message, /YAML syntax/);
  assert.ok(p[0]!.line !== undefined);
});

test('refuses unknown keys at the root and nested, with their line', () => {
  const p = problems(BASE + 'servr: { port: 1 }\n');
  assert.deepEqual(p.map((x) => [x.path, x.message]), [['servr', 'unknown key']]);
  assert.equal(p[0]!.line, 9);
  const q = problems(BASE.replace('type: openai-compatible,', 'type: openai-compatible, timeout: 5,'));
  assert.equal(q[0]!.path, 'providers.sim.timeout');
});

test('reports wrong types with expected and actual values', () => {
  const p = problems(BASE + 'server: { port: "http" }\n');
  assert.equal(p[0]!.path, 'server.port');
  assert.equal(p[0]!.expected, 'number');
  assert.equal(p[0]!.actual, '"http"');
});

test('reports a value outside an enumeration', () => {
  const p = problems(BASE.replace('openai-compatible', 'opnai'));
  assert.equal(p[0]!.path, 'providers.sim.type');
  assert.match(p[0]!.expected!, /"openai" \| "azure" \| "openai-compatible" \| "anthropic"/);
  const q = problems(BASE.replace('deployments:', 'strategy: fastest\n    deployments:'));
  assert.equal(q[0]!.path, 'models.chat.strategy');
});

test('reports missing required sections and fields', () => {
  const p = problems('server: { port: 4000 }\n');
  assert.deepEqual(p.map((x) => x.path).sort(), ['models', 'providers']);
  assert.ok(p.every((x) => x.message === 'required'));
});

test('interpolates ${ENV} and ${ENV:-default}, coercing whole-value numbers', () => {
  const cfg = loadConfigText(BASE + 'server: { port: "${PORT:-4100}", host: "${HOST}" }\n', { env: { HOST: '127.0.0.9' } });
  assert.equal(cfg.server.port, 4100);
  assert.equal(cfg.server.host, '127.0.0.9');
  const p = problems(BASE + 'server: { host: "${NOPE_NOT_SET}" }\n');
  assert.equal(p[0]!.path, 'server.host');
  assert.match(p[0]!.message, /NOPE_NOT_SET is not set/);
});

test('reports a deployment on an unknown provider', () => {
  const p = problems(BASE.replace('provider: sim', 'provider: nowhere'));
  assert.equal(p[0]!.path, 'models.chat.deployments.0.provider');
  assert.equal(p[0]!.actual, '"nowhere"');
});

test('reports duplicate key names and duplicate key values without echoing the key', () => {
  const p = problems(BASE + '  - { name: ci, key: sk-test-0123456789abcdef }\n');
  assert.deepEqual(p.map((x) => x.path).sort(), ['keys.1.key', 'keys.1.name']);
  assert.ok(p.every((x) => !JSON.stringify(x).includes('sk-test')));
});

test('reports a key limited to an unknown model', () => {
  const p = problems(BASE.replace('{ name: ci,', '{ name: ci, models: [ghost],'));
  assert.equal(p[0]!.path, 'keys.0.models');
});

test('refuses sections this version does not enforce instead of ignoring them', () => {
  const p = problems(BASE + 'guardrails:\n  pii: { type: pii }\n');
  assert.equal(p[0]!.path, 'guardrails');
  assert.match(p[0]!.message, /not supported by this version/);
});

test('reports bad durations and sizes', () => {
  const p = problems(BASE + 'server: { shutdown_grace: soon, body_limit: huge }\n');
  assert.deepEqual(p.map((x) => x.path).sort(), ['server.body_limit', 'server.shutdown_grace']);
});

test('a provider that needs a key is an error without one, or switched off when optional', () => {
  const text = BASE.replace('providers:\n', 'providers:\n  oa: { type: openai, api_key: "${OPENAI_API_KEY:-}" }\n');
  const p = problems(text);
  assert.equal(p[0]!.path, 'providers.oa.api_key');
  const cfg = loadConfigText(text.replace('api_key: "${OPENAI_API_KEY:-}"', 'api_key: "${OPENAI_API_KEY:-}", optional: true'), { env: {} });
  assert.equal(cfg.disabledProviders.get('oa'), 'api_key is empty');
  assert.equal(cfg.providers.has('oa'), false);
});

test('an azure provider needs api_version and base_url', () => {
  const p = problems(BASE.replace('providers:\n', 'providers:\n  az: { type: azure, api_key: k }\n'));
  assert.deepEqual(p.map((x) => x.path), ['providers.az.api_version']);
  const q = problems(BASE.replace('providers:\n', 'providers:\n  az: { type: azure, api_key: k, api_version: "2024-10-21" }\n'));
  assert.deepEqual(q.map((x) => x.path), ['providers.az.base_url']);
});

test('collects every problem, not just the first', () => {
  const p = problems(BASE + 'servr: 1\nlogging: { level: loud }\n');
  assert.equal(p.length, 2);
});

test('R1: fallbacks must name known groups of the same kind and form no cycle', () => {
  const withFallbacks = (a: string, b: string) => BASE.replace('models:\n  chat:\n', `models:\n  other:\n    fallbacks: [${b}]\n    deployments: [ { provider: sim, model: m2 } ]\n  chat:\n    fallbacks: [${a}]\n`);
  const cycle = problems(withFallbacks('other', 'chat'));
  assert.match(cycle[0]!.message, /cycle: (chat → other → chat|other → chat → other)/);
  const unknown = problems(withFallbacks('ghost', 'chat').replace('fallbacks: [chat]', ''));
  assert.equal(unknown[0]!.path, 'models.chat.fallbacks.0');
});

const PROVIDERS_ONLY = (providers: string) => `
providers:
${providers}
models:
  chat:
    deployments: [ { provider: p, model: m1 } ]
`;

test('each provider type gets its documented default base URL, region and project', () => {
  const at = (yaml: string) => loadConfigText(PROVIDERS_ONLY(yaml), { env: {} }).providers.get('p')!;
  assert.equal(at('  p: { type: gemini, api_key: k }').origin, 'https://generativelanguage.googleapis.com');
  assert.equal(at('  p: { type: gemini, api_key: k }').basePath, '/v1beta');
  const v = at('  p: { type: vertex, api_key: token, project: acme, location: europe-west4 }');
  assert.deepEqual([v.origin, v.basePath, v.project, v.region], ['https://europe-west4-aiplatform.googleapis.com', '/v1', 'acme', 'europe-west4']);
  assert.equal(at('  p: { type: vertex, api_key: t, project: acme, location: global }').origin, 'https://aiplatform.googleapis.com');
  assert.equal(at('  p: { type: vertex, api_key: t, project: acme, location: eu }').origin, 'https://aiplatform.eu.rep.googleapis.com');
  const b = at('  p: { type: bedrock, region: eu-west-1, access_key_id: AKID, secret_access_key: s3cret }');
  assert.deepEqual([b.origin, b.basePath, b.region, b.apiKey], ['https://bedrock-runtime.eu-west-1.amazonaws.com', '', 'eu-west-1', undefined]);
  assert.deepEqual(b.awsCredentials, { accessKeyId: 'AKID', secretAccessKey: 's3cret' });
  const bearer = at('  p: { type: bedrock, region: us-east-1, api_key: bedrock-key }');
  assert.deepEqual([bearer.apiKey, bearer.awsCredentials], ['bedrock-key', undefined]);
  assert.equal(at('  p: { type: cohere, api_key: k }').origin + at('  p: { type: cohere, api_key: k }').basePath, 'https://api.cohere.com/v2');
  assert.equal(at('  p: { type: mistral, api_key: k }').origin + at('  p: { type: mistral, api_key: k }').basePath, 'https://api.mistral.ai/v1');
});

test('bedrock needs an api_key or both halves of its AWS credentials; vertex needs project and location', () => {
  assert.deepEqual(problems(PROVIDERS_ONLY('  p: { type: bedrock, region: us-east-1 }')).map((x) => x.path), ['providers.p.api_key']);
  assert.deepEqual(problems(PROVIDERS_ONLY('  p: { type: bedrock, region: us-east-1, access_key_id: AKID }')).map((x) => x.path), ['providers.p.secret_access_key']);
  assert.deepEqual(problems(PROVIDERS_ONLY('  p: { type: bedrock, region: mars, api_key: k }')).map((x) => x.path), ['providers.p.region']);
  assert.deepEqual(problems(PROVIDERS_ONLY('  p: { type: vertex, api_key: k, location: us-central1 }')).map((x) => x.path), ['providers.p.project']);
  assert.deepEqual(problems(PROVIDERS_ONLY('  p: { type: gemini }')).map((x) => x.path), ['providers.p.api_key']);
});
