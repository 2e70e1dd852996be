// Holds requests until `size` of them with the same barrier id are waiting, then releases them all in
// the same tick, so a test can make k requests truly simultaneous at the provider (admission races,
// limits, breakers). A waiter gives up after its timeout so a test that miscounts fails instead of hanging.

export type BarrierOutcome = 'released' | 'timed_out' | 'abandoned';

interface Waiter {
  readonly resolve: (outcome: BarrierOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export const DEFAULT_BARRIER_TIMEOUT_MS = 10_000;

export class BarrierBook {
  private readonly groups = new Map<string, Waiter[]>();

  constructor(private readonly defaultTimeoutMs = DEFAULT_BARRIER_TIMEOUT_MS) {}

  /**
   * Waits for the group to fill. `onAbandon` lets the caller withdraw (client went away) so a dead
   * request does not count towards the next release.
   */
  wait(
    id: string,
    size: number,
    timeoutMs: number | undefined,
    onAbandon: (withdraw: () => void) => void,
  ): Promise<BarrierOutcome> {
    if (size <= 1) return Promise.resolve('released');
    let group = this.groups.get(id);
    if (group === undefined) {
      group = [];
      this.groups.set(id, group);
    }
    const members = group;
    return new Promise<BarrierOutcome>((resolve) => {
      const leave = (outcome: BarrierOutcome): void => {
        const i = members.indexOf(waiter);
        if (i === -1) return; // already released
        members.splice(i, 1);
        clearTimeout(waiter.timer);
        if (members.length === 0 && this.groups.get(id) === members) this.groups.delete(id);
        resolve(outcome);
      };
      const timer = setTimeout(() => leave('timed_out'), timeoutMs ?? this.defaultTimeoutMs);
      timer.unref();
      const waiter: Waiter = { resolve, timer };
      members.push(waiter);
      onAbandon(() => leave('abandoned'));
      if (members.length >= size) {
        // Released groups are forgotten, so the same id can be reused for the next round.
        this.groups.delete(id);
        for (const w of members.splice(0)) {
          clearTimeout(w.timer);
          w.resolve('released');
        }
      }
    });
  }

  /** How many requests wait under `id` right now. */
  waiting(id: string): number {
    return this.groups.get(id)?.length ?? 0;
  }

  /** Lets everyone go (server shutting down). */
  releaseAll(): void {
    for (const members of this.groups.values()) {
      for (const w of members.splice(0)) {
        clearTimeout(w.timer);
        w.resolve('abandoned');
      }
    }
    this.groups.clear();
  }
}
