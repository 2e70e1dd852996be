// A request's cost, from provider-reported usage per token class (M6). One rounding rule, in
// core/money.ts: the exact sum, rounded up once to a whole nano-dollar.
//   uncached input = input − cached − cache write         at the input price
//   cached input                                          at cached_input (else input)
//   cache write                                           at cache_write (else input)
//   output − reasoning                                    at the output price
//   reasoning                                             at reasoning (else output)
import { costNanos, type Nanos } from '../../core/money.js';
import type { Usage } from '../../core/usage.js';
import type { PriceRuntime } from '../../config/runtime.js';

export function usageCost(u: Usage, p: PriceRuntime): Nanos {
  const cached = Math.min(u.cachedInputTokens, u.inputTokens);
  const write = Math.min(u.cacheWriteTokens, u.inputTokens - cached);
  const reasoning = Math.min(u.reasoningTokens, u.outputTokens);
  return costNanos([
    [u.inputTokens - cached - write, p.input],
    [cached, p.cachedInput ?? p.input],
    [write, p.cacheWrite ?? p.input],
    [u.outputTokens - reasoning, p.output],
    [reasoning, p.reasoning ?? p.output],
  ]);
}

/** The most a request can cost: every input token uncached (or written to cache, if dearer), every output token at the dearest output class. */
export function worstCaseCost(inputTokens: number, maxOutputTokens: number, p: PriceRuntime): Nanos {
  const inPrice = p.cacheWrite !== undefined && p.cacheWrite > p.input ? p.cacheWrite : p.input;
  const outPrice = p.reasoning !== undefined && p.reasoning > p.output ? p.reasoning : p.output;
  return costNanos([
    [inputTokens, inPrice],
    [maxOutputTokens, outPrice],
  ]);
}
