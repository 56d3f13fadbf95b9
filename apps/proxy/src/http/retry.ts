// Retries for retryable routes (Linkerd's legacy ServiceProfile retries, REFERENCE §1.4): a budget that caps the
// extra load retries add, and the exponential backoff between attempts. Pure given the injected clock and RNG.
import { monotonicMs } from '../clock.js';

export interface RetryBudgetOptions {
  /** Retries allowed per original request over the window: 0.2 = at most 20 % extra load. */
  readonly retryRatio: number;
  /** Retries always allowed per second, whatever the ratio (so low-traffic routes can retry at all). */
  readonly minRetriesPerSecond: number;
  /** The window deposits and withdrawals count over, ms. */
  readonly ttlMs: number;
}

const slots = 10;

/**
 * tower's TpsBudget in counts: over the last `ttl`, retries (withdrawals) may not exceed
 * `minRetriesPerSecond × ttl + retryRatio × requests` (deposits). The window is `slots` buckets that expire one
 * by one, so old traffic stops counting gradually rather than all at once.
 */
export class RetryBudget {
  readonly #deposits = new Float64Array(slots);
  readonly #withdrawals = new Float64Array(slots);
  readonly #slotMs: number;
  #slot = 0;
  #slotStart: number;
  readonly #reserve: number;

  constructor(
    readonly options: RetryBudgetOptions,
    private readonly now: () => number = monotonicMs,
  ) {
    this.#slotMs = options.ttlMs / slots;
    this.#slotStart = now();
    this.#reserve = (options.minRetriesPerSecond * options.ttlMs) / 1000;
  }

  /** An original request of a retryable route was sent. */
  deposit(): void {
    this.#advance();
    this.#deposits[this.#slot] = (this.#deposits[this.#slot] as number) + 1;
  }

  /** Takes one retry from the budget; false when it is spent (the caller counts `skipped="no_budget"`). */
  withdraw(): boolean {
    this.#advance();
    let deposits = 0;
    let withdrawals = 0;
    for (let i = 0; i < slots; i++) {
      deposits += this.#deposits[i] as number;
      withdrawals += this.#withdrawals[i] as number;
    }
    if (withdrawals + 1 > this.#reserve + this.options.retryRatio * deposits) return false;
    this.#withdrawals[this.#slot] = (this.#withdrawals[this.#slot] as number) + 1;
    return true;
  }

  #advance(): void {
    const now = this.now();
    let steps = Math.floor((now - this.#slotStart) / this.#slotMs);
    if (steps <= 0) return;
    this.#slotStart += steps * this.#slotMs;
    if (steps > slots) steps = slots;
    for (let i = 0; i < steps; i++) {
      this.#slot = (this.#slot + 1) % slots;
      this.#deposits[this.#slot] = 0;
      this.#withdrawals[this.#slot] = 0;
    }
  }
}

export interface RetryBackoff {
  readonly minMs: number;
  readonly maxMs: number;
  /** Up to this fraction of the base delay is added at random. */
  readonly jitter: number;
}

/** Linkerd's retry backoff: 25 ms doubling to 250 ms, jitter 1.0 (policy-controller outbound/grpc.rs). */
export const retryBackoff: RetryBackoff = { minMs: 25, maxMs: 250, jitter: 1 };

/** Delay before retry number `retry` (0 = the first retry), ms: base doubling from min, capped at max, plus jitter. */
export function retryDelayMs(retry: number, random: () => number = Math.random, o: RetryBackoff = retryBackoff): number {
  const base = Math.min(o.maxMs, o.minMs * 2 ** Math.min(retry, 20));
  return Math.min(o.maxMs, base * (1 + o.jitter * random()));
}
