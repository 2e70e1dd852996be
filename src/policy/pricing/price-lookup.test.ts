// The price a deployment is billed at: the built-in catalogue, overridden or extended by config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usdToNanos } from '../../core/money.js';
import { loadConfigText } from '../../config/load.js';
import { PRICE_CATALOG } from './catalog.js';
import { priceFor } from './price-lookup.js';
import { usageCost } from './cost.js';

const cfg = loadConfigText(
  `
providers:
  sim: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 }
models:
  chat:
    deployments: [ { provider: sim, model: gpt-4o } ]
pricing:
  gpt-4o: { input: 2, output: 8 }
  my-thinker: { input: 1, output: 2, reasoning: 6, cached_input: 0.1, cache_write: 1.5, max_output_tokens: 1000 }
`,
  { env: {} },
);

test('the catalogue prices the major models, with cached input and cache writes where they differ', () => {
  const sonnet = priceFor(cfg, 'claude-sonnet-4-5')!;
  assert.deepEqual(sonnet, { input: usdToNanos(3), output: usdToNanos(15), cachedInput: usdToNanos('0.3'), cacheWrite: usdToNanos('3.75'), reasoning: undefined, maxOutputTokens: 64_000 });
  for (const model of ['gpt-4.1', 'gpt-5', 'o3', 'claude-opus-4-5', 'gemini-2.5-pro', 'mistral-large-latest']) assert.ok(priceFor(cfg, model), model);
  for (const [model, p] of Object.entries(PRICE_CATALOG)) {
    // A cache read is never dearer than the input it replaces: a typo here would overbill every hit.
    if (p.cached_input !== undefined) assert.ok(Number(p.cached_input) <= Number(p.input), model);
    assert.ok(p.max_output_tokens >= 1, model);
  }
});

test('config overrides a catalogue price whole, keeping the model output limit; and adds models', () => {
  const over = priceFor(cfg, 'gpt-4o')!;
  assert.deepEqual([over.input, over.output, over.cachedInput], [usdToNanos(2), usdToNanos(8), undefined], 'no catalogue cached price leaks into an override');
  assert.equal(over.maxOutputTokens, 16_384, "the model's output limit still bounds the worst case");
  const own = priceFor(cfg, 'my-thinker')!;
  // 100 input (20 cached, 10 written), 50 output of which 30 reasoning:
  // 70×1 + 20×0.1 + 10×1.5 + 20×2 + 30×6 = 70 + 2 + 15 + 40 + 180 = 307 µ$ → 307,000 nano-dollars.
  assert.equal(usageCost({ inputTokens: 100, cachedInputTokens: 20, cacheWriteTokens: 10, outputTokens: 50, reasoningTokens: 30 }, own), 307_000n);
});

test('a dated snapshot falls back to its family; an unknown model has no price (never $0)', () => {
  assert.deepEqual(priceFor(cfg, 'gpt-4o-2024-08-06'), priceFor(cfg, 'gpt-4o'));
  assert.deepEqual(priceFor(cfg, 'claude-sonnet-4-20250514'), priceFor(cfg, 'claude-sonnet-4'));
  assert.equal(priceFor(cfg, 'sim-unpriced'), undefined);
  assert.equal(priceFor(cfg, 'gpt-4o-mini-2024-07-18')?.input, usdToNanos('0.15'));
});
