// Response counts by outcome (status, classification, proxy error, gRPC status) for one set of labels, counted in
// plain numbers and handed to a prom-client counter on scrape. Most responses are plain, with no proxy error and
// not gRPC: those are keyed by a number, so counting the common response builds no string key (a template string
// and its hash cost ~100 ns, on every response of every series that counts).
import { labelNames as L, type Classification } from '@signalbox/shared';
import type { Counter } from './prom.js';
import type { Labels } from './labels.js';

interface Count {
  readonly labels: Labels;
  n: number;
}

export class ByOutcome {
  readonly #plain = new Map<number, Count>();
  readonly #other = new Map<string, Count>();

  constructor(private readonly labels: Labels) {}

  count(status: number, classification: Classification, error: string, grpc: number | undefined): void {
    if (error === '' && grpc === undefined) {
      // Statuses are 0–999: failures below zero keep both classifications of one status apart.
      const key = classification === 'success' ? status : -1 - status;
      let c = this.#plain.get(key);
      if (c === undefined) this.#plain.set(key, (c = this.#made(status, classification, error, grpc)));
      c.n++;
      return;
    }
    const key = `${status}|${classification}|${error}|${grpc ?? ''}`;
    let c = this.#other.get(key);
    if (c === undefined) this.#other.set(key, (c = this.#made(status, classification, error, grpc)));
    c.n++;
  }

  /** Adds what was counted since the last flush to `counter`, one series per outcome. */
  flush(counter: Counter<string>): void {
    for (const map of [this.#plain, this.#other])
      for (const c of map.values()) {
        if (c.n === 0) continue;
        counter.inc(c.labels, c.n);
        c.n = 0;
      }
  }

  #made(status: number, classification: Classification, error: string, grpc: number | undefined): Count {
    return {
      labels: {
        ...this.labels,
        [L.statusCode]: status ? String(status) : '',
        [L.classification]: classification,
        [L.grpcStatus]: grpc === undefined ? '' : String(grpc),
        [L.error]: error,
      },
      n: 0,
    };
  }
}
