// Rate-limit headroom per deployment, as this replica last heard it (issue 4, C3): a 429 from the
// provider means "no room until its Retry-After" (a short default without one). Prompt-cache
// affinity yields to it at once — a pinned deployment that is rate limiting loses its keys to the
// next healthy one instead of answering every request of the conversation with a 429 first — and
// gets them back when the hint has passed. Process-local by design: it is a routing hint, the
// breaker (shared) is what keeps traffic off a failing deployment.
export const DEFAULT_NO_HEADROOM_MS = 1_000;

export class HeadroomTracker {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The provider said 429 (with `hintMs`, its Retry-After, when it gave one). Only ever lengthens. */
  exhausted(deployment: string, hintMs: number | undefined): void {
    const until = this.now() + (hintMs ?? DEFAULT_NO_HEADROOM_MS);
    if (until > (this.#until.get(deployment) ?? 0)) this.#until.set(deployment, until);
  }

  has(deployment: string): boolean {
    const until = this.#until.get(deployment);
    if (until === undefined) return true;
    if (this.now() < until) return false;
    this.#until.delete(deployment);
    return true;
  }
}
