// A simulated provider prompt cache, per deployment (model name), for proving prompt-cache
// affinity (issue 4, FAILURE-MODES C3): a request's cached tokens are those of the longest message
// prefix this deployment has already seen in an earlier prompt — with OpenAI's rules: nothing below
// 1024 tokens, then in steps of 128. Turned on per request by `x-mock-prefix-cache: 1`. Deterministic
// (no eviction, no TTL): a test compares hit rates, not timings.
import { createHash } from 'node:crypto';
import { tokensForChars, TOKENS_PER_MESSAGE } from './usage.js';

export const MIN_CACHED_PREFIX_TOKENS = 1024;
const STEP = 128;

export class PrefixCache {
  readonly #seen = new Map<string, Set<string>>();

  /**
   * Cached tokens for `messages` on `model`, then remembers every prefix of this prompt.
   * `charsOf` counts a message's text the way the wire's prompt count does.
   */
  lookupAndStore<M>(model: string, messages: readonly M[], charsOf: (m: M) => number): number {
    let seen = this.#seen.get(model);
    if (seen === undefined) this.#seen.set(model, (seen = new Set()));
    const hashes: string[] = [];
    const tokens: number[] = [];
    let h = '';
    let chars = 0;
    messages.forEach((m, i) => {
      h = createHash('sha256').update(h).update(JSON.stringify(m)).digest('hex');
      chars += charsOf(m);
      hashes.push(h);
      tokens.push(tokensForChars(chars) + TOKENS_PER_MESSAGE * (i + 1));
    });
    let cached = 0;
    for (let k = hashes.length - 1; k >= 0; k--) {
      if (seen.has(hashes[k]!)) {
        cached = tokens[k]!;
        break;
      }
    }
    for (const x of hashes) seen.add(x);
    return cached < MIN_CACHED_PREFIX_TOKENS ? 0 : Math.floor(cached / STEP) * STEP;
  }

  clear(): void {
    this.#seen.clear();
  }
}
