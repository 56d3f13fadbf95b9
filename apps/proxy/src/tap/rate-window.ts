// Per-subscription rate limit in fixed 1-s windows, as Linkerd's tap server asks each proxy for `limit = rps × 1 s`
// per window. The clock is injected so tests need no waiting.
import { monotonicMs } from '../clock.js';

export class RateWindow {
  #windowStart = Number.NEGATIVE_INFINITY;
  #taken = 0;

  constructor(
    /** Admitted per window. */
    readonly perWindow: number,
    private readonly now: () => number = monotonicMs,
    readonly windowMs = 1000,
  ) {}

  /** Admits one more in the current window, or refuses. */
  take(): boolean {
    if (!this.open()) return false;
    this.#taken += 1;
    return true;
  }

  /** Whether `take` would admit one now (starting a new window when the last one is over), without taking it. */
  open(): boolean {
    const t = this.now();
    if (t - this.#windowStart >= this.windowMs) {
      this.#windowStart = t;
      this.#taken = 0;
    }
    return this.#taken < this.perWindow;
  }
}
