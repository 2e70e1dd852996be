import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usdToNanos } from '../../core/money.js';
import type { PriceRuntime } from '../../config/runtime.js';
import { usageCost, worstCaseCost } from './cost.js';

const sonnet: PriceRuntime = { input: usdToNanos(3), output: usdToNanos(15), cachedInput: usdToNanos('0.3'), cacheWrite: usdToNanos('3.75'), reasoning: undefined, maxOutputTokens: 64_000 };

test('M6: each token class is priced separately, cached tokens counted inside input', () => {
  // 10,000 input of which 6,000 cached and 2,000 written; 1,000 output of which 400 reasoning.
  const c = usageCost({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 2_000, outputTokens: 1_000, reasoningTokens: 400 }, sonnet);
  // 2000×3 + 6000×0.3 + 2000×3.75 + 600×15 + 400×15 = 6000+1800+7500+9000+6000 = 30,300 µ$ per 1M → $0.0303
  assert.equal(c, usdToNanos('0.0303'));
});

test('cost rounds up once to a whole nano-dollar', () => {
  const cheap: PriceRuntime = { input: usdToNanos('0.15'), output: usdToNanos('0.6'), cachedInput: undefined, cacheWrite: undefined, reasoning: undefined, maxOutputTokens: 10 };
  // 1 input token at $0.15/M = 150 nano-dollars exactly; 1 output = 600.
  assert.equal(usageCost({ inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 }, cheap), 750n);
  const odd: PriceRuntime = { ...cheap, input: 1n };
  assert.equal(usageCost({ inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, odd), 1n);
});

test('the worst case bounds every possible actual cost', () => {
  const worst = worstCaseCost(1000, 500, sonnet);
  for (const cached of [0, 500, 1000]) {
    for (const write of [0, 250, 1000 - cached]) {
      const actual = usageCost({ inputTokens: 1000, cachedInputTokens: cached, cacheWriteTokens: write, outputTokens: 500, reasoningTokens: 100 }, sonnet);
      assert.ok(actual <= worst, `${actual} > ${worst}`);
    }
  }
});
