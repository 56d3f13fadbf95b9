// Round-robin over the current endpoint set, blind to load: selectable (`--balancer=round-robin`) for comparison
// and for workloads where every endpoint is known to be equal. The default is P2C (p2c.ts).
import type { Endpoint } from '@signalbox/shared';
import type { Balancer, Pick } from './balancer.js';

const settled = () => {};

export class RoundRobin implements Balancer {
  #picks: readonly Pick[] = [];
  #next = 0;

  update(endpoints: readonly Endpoint[]): void {
    // Round-robin keeps no per-pick state, so one immutable pick per endpoint serves every request.
    this.#picks = endpoints.map((endpoint) => ({ endpoint, done: settled }));
  }

  choose(): Pick | undefined {
    const n = this.#picks.length;
    if (n === 0) return undefined;
    const i = this.#next % n;
    this.#next = i + 1;
    return this.#picks[i];
  }
}
