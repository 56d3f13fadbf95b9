// Failure accrual (Linkerd's consecutive-failures circuit breaker, REFERENCE §1.6), inside the balancer: after
// `consecutiveFailures` failures in a row (HTTP 5xx, or no response at all) an endpoint leaves the pool for a
// penalty (`minPenalty`, doubling per failed probe up to `maxPenalty`, ± `jitterRatio`); then it is on probation and
// gets exactly one real request, the probe. A successful probe readmits it; a failed one trips it again. With every
// endpoint tripped the balancer has nothing to offer and requests fail fast (failfast.ts).
import type { Endpoint } from '@signalbox/shared';
import type { Balancer, Pick, PickOutcome } from './balancer.js';
import { monotonicMs } from '../clock.js';

export interface AccrualOptions {
  readonly consecutiveFailures: number;
  readonly minPenaltyMs: number;
  readonly maxPenaltyMs: number;
  readonly jitterRatio: number;
}

export type BreakerState = 'closed' | 'open' | 'probation';

/** One endpoint's breaker: pure state over the times and random numbers it is given. */
export class Breaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  /** Penalties served in a row: the next one is minPenalty × 2^trips. */
  #trips = 0;
  #until = 0;
  #probing = false;

  constructor(
    private readonly options: AccrualOptions,
    private readonly random: () => number,
  ) {}

  get state(): BreakerState {
    return this.#state;
  }

  /** When an open breaker's penalty ends (ms). */
  get openUntil(): number {
    return this.#until;
  }

  /** Moves an open breaker whose penalty is over to probation; true when the endpoint may take a request now. */
  available(now: number): boolean {
    if (this.#state === 'open' && now >= this.#until) this.#state = 'probation';
    if (this.#state === 'probation') return !this.#probing;
    return this.#state === 'closed';
  }

  /** A request was sent on probation: it is the probe, and no other request goes until it is judged. */
  startProbe(): void {
    this.#probing = true;
  }

  /** A probe ended without a verdict (abandoned): another may be sent. */
  cancelProbe(): void {
    this.#probing = false;
  }

  /** Records a response (or an error): returns true when this trips the breaker. */
  record(failure: boolean, now: number): boolean {
    if (this.#state === 'probation') {
      this.#probing = false;
      if (!failure) {
        this.#state = 'closed';
        this.#failures = 0;
        this.#trips = 0;
        return false;
      }
      this.#open(now);
      return true;
    }
    if (this.#state === 'open') return false; // a request sent before it tripped
    if (!failure) {
      this.#failures = 0;
      return false;
    }
    if (++this.#failures < this.options.consecutiveFailures) return false;
    this.#open(now);
    return true;
  }

  #open(now: number): void {
    const o = this.options;
    const base = Math.min(o.maxPenaltyMs, o.minPenaltyMs * 2 ** Math.min(this.#trips, 30));
    // ± jitter around the base, never beyond the bounds.
    const jittered = base * (1 + o.jitterRatio * (this.random() * 2 - 1));
    this.#state = 'open';
    this.#failures = 0;
    this.#trips++;
    this.#until = now + Math.max(0, Math.min(o.maxPenaltyMs, jittered));
  }
}

/** Whether a finished pick counts as a failure: no response (`'error'`) or an HTTP 5xx. */
export function isFailure(outcome: PickOutcome | undefined, status: number | undefined): boolean | undefined {
  if (outcome === 'error') return true;
  if (status === undefined || status === 0) return undefined;
  return status >= 500;
}

export interface AccrualBalancerOptions {
  /** Read on every update and pick: undefined turns accrual off (the profile may change at any time). */
  readonly options: () => AccrualOptions | undefined;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * Wraps a balancer: the inner one only ever sees the endpoints whose breaker is closed; endpoints on probation are
 * offered their probe first. Subscribers hear when a penalty ends, so queued requests can take the probe.
 */
export class AccrualBalancer implements Balancer {
  #endpoints: readonly Endpoint[] = [];
  readonly #breakers = new Map<string, Breaker>();
  #open = 0;
  #config: AccrualOptions | undefined;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(
    private readonly inner: Balancer,
    private readonly o: AccrualBalancerOptions,
  ) {
    this.#now = o.now ?? monotonicMs;
    this.#random = o.random ?? Math.random;
  }

  update(endpoints: readonly Endpoint[]): void {
    this.#endpoints = endpoints;
    const addrs = new Set(endpoints.map((e) => e.addr));
    for (const a of this.#breakers.keys()) if (!addrs.has(a)) this.#breakers.delete(a);
    this.#sync();
  }

  choose(): Pick | undefined {
    const config = this.#configNow();
    if (!config) return this.inner.choose();
    if (this.#open > 0) {
      const now = this.#now();
      for (const e of this.#endpoints) {
        const b = this.#breakers.get(e.addr);
        if (!b || b.state === 'closed' || !b.available(now)) continue;
        b.startProbe();
        return this.#wrap({ endpoint: e, done: () => {} }, b);
      }
    }
    const pick = this.inner.choose();
    return pick && this.#wrap(pick, this.#breaker(pick.endpoint.addr, config));
  }

  /** Endpoints exist but every one is penalised: the failfast error says so. */
  unavailableReason(): string | undefined {
    return this.#open > 0 && this.#open >= this.#endpoints.length ? 'every endpoint is in failure accrual penalty' : undefined;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** For tests and debugging. */
  stateOf(addr: string): BreakerState {
    return this.#breakers.get(addr)?.state ?? 'closed';
  }

  #configNow(): AccrualOptions | undefined {
    const config = this.o.options();
    if (config !== this.#config) {
      // A new policy: breakers start over with it (or accrual is off and every endpoint is back).
      this.#config = config;
      this.#breakers.clear();
      this.#sync();
    }
    return config;
  }

  #breaker(addr: string, config: AccrualOptions): Breaker {
    let b = this.#breakers.get(addr);
    if (!b) this.#breakers.set(addr, (b = new Breaker(config, this.#random)));
    return b;
  }

  #wrap(pick: Pick, breaker: Breaker): Pick {
    let open = true;
    return {
      endpoint: pick.endpoint,
      done: (outcome?: PickOutcome, status?: number) => {
        if (!open) return;
        open = false;
        pick.done(outcome, status);
        const failure = isFailure(outcome, status);
        if (failure === undefined) {
          if (breaker.state === 'probation') breaker.cancelProbe();
          return;
        }
        const was = breaker.state;
        const tripped = breaker.record(failure, this.#now());
        if (tripped || was !== breaker.state) this.#sync();
      },
    };
  }

  /** The inner balancer gets the closed endpoints; a timer wakes waiters when the next penalty ends. */
  #sync(): void {
    const config = this.#config;
    let open = 0;
    let next = Infinity;
    const closed = this.#endpoints.filter((e) => {
      const b = config ? this.#breakers.get(e.addr) : undefined;
      if (!b || b.state === 'closed') return true;
      open++;
      if (b.state === 'open') next = Math.min(next, b.openUntil);
      return false;
    });
    this.#open = open;
    this.inner.update(closed);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (next !== Infinity) {
      this.#timer = setTimeout(() => this.#notify(), Math.max(0, next - this.#now()));
      this.#timer.unref();
    }
    this.#notify();
  }

  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }
}
