// The governance sections of the config: rolling windows, end users, tags, provider budgets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from './load.js';
import { ConfigError, type ConfigProblem } from './problems.js';

const BASE = `
providers:
  sim: { type: openai-compatible, base_url: http://127.0.0.1:9/v1, budget: { usd: 100, period: weekly, window: rolling } }
  off: { type: openai, api_key: "", optional: true, budget: { usd: 5 } }
models:
  chat:
    deployments: [ { provider: sim, model: m1 } ]
`;

function problems(text: string): ConfigProblem[] {
  try {
    loadConfigText(text, { env: {} });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail('expected the config to be refused');
}

test('compiles end users, tags, provider budgets, rolling windows and key tags', () => {
  const cfg = loadConfigText(
    `${BASE}
keys:
  - { name: ci, key: sk-test-0123456789abcdef, metadata: { tags: "ci, nightly,ci" }, budget: { usd: 1, period: daily, window: rolling } }
end_users:
  default: { budget: { usd: 1, period: daily } }
  overrides: [ { id: vip, limits: { rpm: 5 } }, { id: free } ]
tags:
  - { name: nightly, budget: { usd: 10 } }
`,
    { env: {} },
  );
  assert.deepEqual(cfg.scopeLimits.get('provider:sim'), { budgetNanos: 100_000_000_000n, period: 'weekly', window: 'rolling', rpm: undefined, tpm: undefined, maxParallel: undefined });
  assert.equal(cfg.scopeLimits.has('provider:off'), false, 'a switched-off provider has no scope');
  assert.equal(cfg.scopeLimits.get('key:cfg:ci')?.window, 'rolling');
  assert.equal(cfg.scopeLimits.get('tag:nightly')?.period, 'monthly');
  assert.deepEqual(cfg.keyTags.get('cfg:ci'), ['ci', 'nightly']);
  assert.equal(cfg.endUsers?.default?.budgetNanos, 1_000_000_000n);
  assert.equal(cfg.endUsers?.overrides.get('vip')?.rpm, 5);
  assert.ok(cfg.endUsers?.overrides.has('free') && cfg.endUsers.overrides.get('free') === undefined, 'an override without limits: tracked, not limited');
  assert.equal(loadConfigText(BASE, { env: {} }).endUsers, undefined, 'no section: end users are not scopes');
});

test('the schema refuses a rolling lifetime budget and a malformed tag name', () => {
  const p = problems(`${BASE}
keys:
  - { name: ci, key: sk-test-0123456789abcdef, metadata: { tags: "ok, not ok" } }
  - { name: cd, key: sk-test-0123456789abcdeg, budget: { usd: 1, period: none, window: rolling } }
end_users:
  overrides: [ { id: a }, { id: a } ]
tags:
  - { name: t1 }
  - { name: t1, budget: { usd: 1 } }
  - { name: "bad tag" }
`);
  const paths = p.map((x) => x.path);
  assert.ok(paths.some((x) => x.startsWith('keys.1.budget')), JSON.stringify(p));
  assert.ok(paths.some((x) => x.startsWith('tags.2.name')), JSON.stringify(p));
});

test('semantic problems are reported once the schema passes', () => {
  const p = problems(`${BASE}
keys:
  - { name: ci, key: sk-test-0123456789abcdef, metadata: { tags: "ok, not ok" } }
end_users:
  overrides: [ { id: a }, { id: a } ]
tags:
  - { name: t1, budget: { usd: 1 } }
  - { name: t1, budget: { usd: 2 } }
`);
  assert.deepEqual(p.map((x) => x.path).sort(), ['end_users.overrides.1.id', 'keys.0.metadata.tags', 'tags']);
});
