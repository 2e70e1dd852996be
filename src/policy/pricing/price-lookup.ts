// Which price applies to a deployment's upstream model: config overrides first, then the built-in
// catalogue; a dated snapshot id (`gpt-4o-2024-08-06`) falls back to its family (`gpt-4o`). An
// override replaces the catalogue's prices whole, but keeps its output limit when it names none
// (a limit is the model's, not a price). Unknown = undefined: callers refuse budgeted requests
// rather than bill them as $0 (M6).
import { usdToNanos } from '../../core/money.js';
import type { PriceRuntime, RuntimeConfig } from '../../config/runtime.js';
import { PRICE_CATALOG } from './catalog.js';

const CATALOG_NANOS = new Map<string, PriceRuntime>(
  Object.entries(PRICE_CATALOG).map(([m, p]) => [
    m,
    {
      input: usdToNanos(p.input),
      output: usdToNanos(p.output),
      cachedInput: p.cached_input === undefined ? undefined : usdToNanos(p.cached_input),
      cacheWrite: p.cache_write === undefined ? undefined : usdToNanos(p.cache_write),
      reasoning: p.reasoning === undefined ? undefined : usdToNanos(p.reasoning),
      maxOutputTokens: p.max_output_tokens,
    },
  ]),
);

const DATED = /^(.*?)-(\d{4}-\d{2}-\d{2}|\d{8})$/;

export function priceFor(cfg: RuntimeConfig, model: string): PriceRuntime | undefined {
  const own = lookup(cfg, model);
  if (own) return own;
  const dated = DATED.exec(model);
  return dated ? lookup(cfg, dated[1]!) : undefined;
}

function lookup(cfg: RuntimeConfig, model: string): PriceRuntime | undefined {
  const override = cfg.prices.get(model);
  const builtIn = CATALOG_NANOS.get(model);
  if (!override) return builtIn;
  if (override.maxOutputTokens !== undefined || builtIn?.maxOutputTokens === undefined) return override;
  return { ...override, maxOutputTokens: builtIn.maxOutputTokens };
}
