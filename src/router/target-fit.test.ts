import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentRuntime } from '../config/runtime.js';
import { decodeChatRequest } from '../surfaces/openai-chat/decode.js';
import { planAttempts } from './attempt-plan.js';
import { canPrefill, hasImageInput, targetFit } from './target-fit.js';
import { RoundRobinCursors } from './strategies/round-robin.js';
import { deployment, seeded } from './test-fixtures.js';

const withCaps = (id: string, capabilities: DeploymentRuntime['capabilities']): DeploymentRuntime => ({ ...deployment(id), capabilities });
const IMAGE = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } };
const chat = (content: unknown, extra: Record<string, unknown> = {}) => decodeChatRequest({ model: 'm', messages: [{ role: 'user', content }], ...extra });

test('a request without images or tools needs no per-deployment check', () => {
  assert.equal(targetFit(chat('hi')), undefined);
  assert.equal(hasImageInput(chat('hi')), false);
  assert.equal(hasImageInput(chat([{ type: 'text', text: 'what is it?' }, IMAGE])), true);
});

test('R4: a text-only deployment is unfit for an image, with the reason; others are fit', () => {
  const fit = targetFit(chat([{ type: 'text', text: 'what is it?' }, IMAGE]))!;
  assert.match(fit(withCaps('p/text-only', { images: false }), undefined as never) ?? '', /p\/text-only takes no image input/);
  assert.equal(fit(deployment('p/vision'), undefined as never), undefined, 'undeclared = the provider default (images accepted)');
  assert.equal(fit(withCaps('p/no-tools', { tools: false }), undefined as never), undefined, 'tools are not asked for');
});

test('a deployment declared without tools is unfit for a request with tools', () => {
  const fit = targetFit(chat('hi', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }))!;
  assert.match(fit(withCaps('p/no-tools', { tools: false }), undefined as never) ?? '', /takes no tools/);
});

test('R4: the planner skips an unfit fallback and records why, keeping the rest in order', () => {
  const a = { name: 'a', kind: 'chat' as const, strategy: 'weighted' as const, deployments: [withCaps('p/text', { images: false })], fallbacks: ['b'] };
  const b = { name: 'b', kind: 'chat' as const, strategy: 'weighted' as const, deployments: [deployment('q/vision')], fallbacks: [] };
  const groups = new Map([['a', a], ['b', b]]);
  const plan = planAttempts({ group: a, resolveGroup: (n) => groups.get(n), health: new Map(), random: seeded(1), cursors: new RoundRobinCursors(), capability: targetFit(chat([IMAGE])) });
  assert.deepEqual(plan.attempts.map((x) => x.deployment.id), ['q/vision']);
  assert.deepEqual(plan.skipped.map((s) => [s.deployment, s.kind]), [['p/text', 'incapable']]);
  assert.match(plan.skipped[0]!.reason, /no image input/);
});

test('assistant prefill: Anthropic by default, others only when the deployment declares it', () => {
  const anthropic: DeploymentRuntime = { ...deployment('claude/c'), provider: { ...deployment('claude/c').provider, type: 'anthropic' } };
  assert.equal(canPrefill(anthropic), true);
  assert.equal(canPrefill(deployment('openai/gpt')), false);
  assert.equal(canPrefill(withCaps('openai/gpt', { assistantPrefill: true })), true);
  assert.equal(canPrefill({ ...anthropic, capabilities: { assistantPrefill: false } }), false);
});
