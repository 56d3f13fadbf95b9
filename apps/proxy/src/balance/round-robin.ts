// Round-robin over the current endpoint set. The interface (`update` from resolution, `choose` per request) is
// what the later P2C + peak-EWMA balancer implements too.
import type { Endpoint } from '@signalbox/shared';

export interface Balancer {
  update(endpoints: readonly Endpoint[]): void;
  choose(): Endpoint | undefined;
}

export class RoundRobin implements Balancer {
  #endpoints: readonly Endpoint[] = [];
  #next = 0;

  update(endpoints: readonly Endpoint[]): void {
    this.#endpoints = endpoints;
  }

  choose(): Endpoint | undefined {
    const n = this.#endpoints.length;
    if (n === 0) return undefined;
    const i = this.#next % n;
    this.#next = i + 1;
    return this.#endpoints[i];
  }
}
