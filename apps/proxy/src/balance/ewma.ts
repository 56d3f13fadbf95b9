// Peak-EWMA latency estimate of one endpoint (tower's PeakEwma, with Linkerd's constants): pure state over an
// injected clock, read by the P2C balancer to compare endpoints.

/** Linkerd's balancer constants (linkerd2 policy-controller BALANCER_DEFAULT_RTT / BALANCER_RTT_DECAY). */
export const defaultRttMs = 30;
export const defaultDecayMs = 10_000;

/**
 * A round-trip-time estimate in ms. A sample above the estimate replaces it at once (the "peak": react to a slow
 * endpoint immediately); a sample below pulls the estimate toward it with weight `1 - exp(-elapsed / decay)`, so
 * recovery takes about `decay`. Between samples the value a reader sees decays toward zero (tower's `load()`),
 * so an endpoint that stopped being picked because it was slow is eventually tried again.
 */
export class PeakEwma {
  #rtt: number;
  #at: number;

  constructor(
    now: number,
    rttMs = defaultRttMs,
    private readonly decayMs = defaultDecayMs,
  ) {
    this.#rtt = rttMs;
    this.#at = now;
  }

  /** The estimate at `now` (ms): the last one, decayed toward zero for the time since it was updated. */
  estimate(now: number): number {
    const elapsed = now - this.#at;
    return elapsed > 0 ? this.#rtt * Math.exp(-elapsed / this.decayMs) : this.#rtt;
  }

  /** Records a sample of `rttMs` taken at `now`. */
  observe(rttMs: number, now: number): void {
    if (rttMs > this.#rtt) {
      this.#rtt = rttMs;
    } else {
      const elapsed = now - this.#at;
      const keep = elapsed > 0 ? Math.exp(-elapsed / this.decayMs) : 1;
      this.#rtt = this.#rtt * keep + rttMs * (1 - keep);
    }
    if (now > this.#at) this.#at = now;
  }
}
