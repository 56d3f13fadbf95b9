// Power of two choices (Linkerd's balancer): per pick, sample two distinct endpoints at random and take the one
// with the lower load. HTTP load is peak-EWMA RTT × (pending + 1) (tower's PeakEwma); opaque TCP load is the
// number of open connections. Pure: the clock and the random source are injected, so tests replay exact picks.
import type { Endpoint } from '@signalbox/shared';
import type { Balancer, Pick, PickOutcome } from './balancer.js';
import { defaultDecayMs, defaultRttMs, PeakEwma } from './ewma.js';
import { monotonicMs } from '../clock.js';

export type LoadKind = 'peak-ewma' | 'connections';

export interface P2cOptions {
  /** `peak-ewma` for requests (default), `connections` for opaque TCP (one pick per connection). */
  readonly load?: LoadKind;
  /** Estimate of an endpoint never measured, ms (Linkerd: 30 ms). */
  readonly defaultRttMs?: number;
  /** Decay time of the estimate, ms (Linkerd: 10 s). */
  readonly decayMs?: number;
  /**
   * Sample recorded when an exchange fails before a response head, if larger than the elapsed time: an endpoint
   * that refuses connections answers fastest of all and must not attract the traffic (Linkerd keeps such an
   * endpoint out with connect backoff and failure accrual, which this stands in for).
   */
  readonly failurePenaltyMs?: number;
  /** Monotonic ms. */
  readonly now?: () => number;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  /** An endpoint left the set: nothing new is sent to it (the caller closes its idle connections). */
  readonly onRemoved?: (endpoint: Endpoint) => void;
}

/** One endpoint's balancer state, shared by the picks made on it (they outlive its removal from the set). */
class Slot {
  pending = 0;
  constructor(
    public endpoint: Endpoint,
    readonly rtt: PeakEwma,
  ) {}
}

class P2cPick implements Pick {
  #open = true;
  constructor(
    private readonly balancer: P2c,
    private readonly slot: Slot,
    private readonly at: number,
  ) {}

  get endpoint(): Endpoint {
    return this.slot.endpoint;
  }

  done(outcome?: PickOutcome, _status?: number): void {
    if (!this.#open) return;
    this.#open = false;
    this.balancer.settle(this.slot, this.at, outcome);
  }
}

export class P2c implements Balancer {
  #slots: Slot[] = [];
  #byAddr = new Map<string, Slot>();
  readonly #load: LoadKind;
  readonly #defaultRtt: number;
  readonly #decay: number;
  readonly #penalty: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #onRemoved: ((endpoint: Endpoint) => void) | undefined;

  constructor(options: P2cOptions = {}) {
    this.#load = options.load ?? 'peak-ewma';
    this.#defaultRtt = options.defaultRttMs ?? defaultRttMs;
    this.#decay = options.decayMs ?? defaultDecayMs;
    this.#penalty = options.failurePenaltyMs ?? 1000;
    this.#now = options.now ?? monotonicMs;
    this.#random = options.random ?? Math.random;
    this.#onRemoved = options.onRemoved;
  }

  /** Replaces the set; endpoints that stay keep their estimate and pending count. */
  update(endpoints: readonly Endpoint[]): void {
    const now = this.#now();
    const next = new Map<string, Slot>();
    const slots: Slot[] = [];
    for (const e of endpoints) {
      if (next.has(e.addr)) continue;
      let slot = this.#byAddr.get(e.addr);
      if (slot) slot.endpoint = e;
      else slot = new Slot(e, new PeakEwma(now, this.#defaultRtt, this.#decay));
      next.set(e.addr, slot);
      slots.push(slot);
    }
    const removed = [...this.#byAddr.values()].filter((s) => !next.has(s.endpoint.addr));
    this.#slots = slots;
    this.#byAddr = next;
    for (const s of removed) this.#onRemoved?.(s.endpoint);
  }

  get size(): number {
    return this.#slots.length;
  }

  choose(): Pick | undefined {
    const slots = this.#slots;
    const n = slots.length;
    if (n === 0) return undefined;
    let slot = slots[0] as Slot;
    const now = this.#now();
    if (n > 1) {
      const i = Math.floor(this.#random() * n);
      let j = Math.floor(this.#random() * (n - 1));
      if (j >= i) j++;
      const a = slots[i] as Slot;
      const b = slots[j] as Slot;
      // Ties go to the first sample, itself random (tower: `if a <= b { a } else { b }`).
      slot = this.cost(a, now) <= this.cost(b, now) ? a : b;
    }
    slot.pending++;
    return new P2cPick(this, slot, now);
  }

  /** The load P2C compares (lower wins). */
  cost(slot: Slot, now: number): number {
    return this.#load === 'connections' ? slot.pending + 1 : slot.rtt.estimate(now) * (slot.pending + 1);
  }

  /** Current load of the endpoint at `addr` (for tests and debugging), undefined when not in the set. */
  loadOf(addr: string): { readonly pending: number; readonly rttMs: number } | undefined {
    const s = this.#byAddr.get(addr);
    return s && { pending: s.pending, rttMs: s.rtt.estimate(this.#now()) };
  }

  /** @internal: a pick finished. */
  settle(slot: Slot, at: number, outcome: PickOutcome | undefined): void {
    slot.pending--;
    if (outcome === undefined || this.#load === 'connections') return;
    const now = this.#now();
    slot.rtt.observe(outcome === 'error' ? Math.max(now - at, this.#penalty) : outcome, now);
  }
}
