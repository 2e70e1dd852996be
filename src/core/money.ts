// Money is an integer count of nano-dollars (1e-9 USD), held as bigint: a counter stays exact
// up to 9.2e18 nano-dollars (about $9.2 billion, Redis' INCRBY range), and no float ever touches it.
//
// Rounding rule (the only one): a request's cost is computed once, from its token counts and the
// per-million prices, as the exact rational Σ tokens × price_per_million, then rounded UP to a whole
// nano-dollar. Counters and the ledger only add these integers.

export type Nanos = bigint;

export const NANOS_PER_USD = 1_000_000_000n;

/** Parse a decimal USD amount ("0.15", 3, "1e-7" refused) into nano-dollars without float error. */
export function usdToNanos(usd: number | string): Nanos {
  const s = typeof usd === 'number' ? numberToPlainString(usd) : usd.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`not a decimal USD amount: ${String(usd)}`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > 9 && /[1-9]/.test(frac.slice(9))) {
    throw new RangeError(`USD amount ${s} has more precision than a nano-dollar`);
  }
  const nanos = BigInt(whole!) * NANOS_PER_USD + BigInt((frac + '000000000').slice(0, 9));
  return sign === '-' ? -nanos : nanos;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  // toFixed(12) then trim: avoids exponent notation for small prices such as 1.5e-7.
  return n.toFixed(12).replace(/\.?0+$/, '');
}

/** Nano-dollars as a USD decimal string with up to 9 fractional digits ("0.000315"). */
export function nanosToUsdString(n: Nanos): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const whole = abs / NANOS_PER_USD;
  const frac = (abs % NANOS_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/** Nano-dollars as a JS number of USD (for display and JSON only; never for arithmetic). */
export function nanosToUsd(n: Nanos): number {
  return Number(nanosToUsdString(n));
}

/** ceil(Σ tokens_i × pricePerMillion_i / 1e6), prices given in nano-dollars per million tokens. */
export function costNanos(lines: ReadonlyArray<readonly [tokens: number, pricePerMillionNanos: Nanos]>): Nanos {
  let num = 0n;
  for (const [tokens, price] of lines) {
    if (tokens < 0 || !Number.isInteger(tokens)) throw new RangeError(`token count must be a whole number: ${tokens}`);
    num += BigInt(tokens) * price;
  }
  return (num + 999_999n) / 1_000_000n;
}
