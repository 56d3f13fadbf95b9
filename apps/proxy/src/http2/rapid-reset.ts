// Rapid-reset defence (CVE-2023-44487): count the streams a client resets on one connection in a sliding window;
// past the limit the connection is told to ENHANCE_YOUR_CALM and closed. Memory is one slot per allowed reset;
// every check is O(1). Pure, with an injected clock.
import { monotonicMs } from '../clock.js';

export interface ResetLimit {
  /** Resets allowed within `windowMs`; one more closes the connection. */
  readonly max: number;
  readonly windowMs: number;
}

/** Generous for a client that cancels calls, tight for one that resets every stream it opens. */
export const defaultResetLimit: ResetLimit = { max: 200, windowMs: 1000 };

export class ResetBudget {
  readonly #times: Float64Array;
  #next = 0;
  #count = 0;

  constructor(
    private readonly limit: ResetLimit,
    private readonly now: () => number = monotonicMs,
  ) {
    this.#times = new Float64Array(Math.max(1, limit.max));
  }

  /** Records one reset; true when it exceeds the budget (the oldest of the last `max` resets is in the window). */
  record(): boolean {
    const t = this.now();
    if (this.limit.max <= 0) return true;
    const full = this.#count === this.#times.length;
    // In a full ring the slot about to be overwritten holds the oldest of the last `max` resets.
    const exceeded = full && t - (this.#times[this.#next] as number) < this.limit.windowMs;
    this.#times[this.#next] = t;
    this.#next = (this.#next + 1) % this.#times.length;
    if (!full) this.#count++;
    return exceeded;
  }
}
