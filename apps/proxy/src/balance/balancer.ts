// What every balancer offers the concrete stage: the endpoint set from discovery in, one pick per request (HTTP)
// or per connection (opaque TCP) out. A pick is load on its endpoint until `done`.
import type { Endpoint } from '@signalbox/shared';

/**
 * How a pick ended: the time to the response head in ms (the RTT sample), `'error'` when no response head came
 * (connect failure, reset, bad response), or nothing when the exchange was abandoned before it was sent or when
 * there is no latency to speak of (an opaque connection closing).
 */
export type PickOutcome = number | 'error';

export interface Pick {
  readonly endpoint: Endpoint;
  /**
   * Ends this pick's pending load and records its outcome; `status` is the response's HTTP status when one came
   * (failure accrual counts 5xx). Later calls are ignored.
   */
  done(outcome?: PickOutcome, status?: number): void;
}

export interface Balancer {
  /** Replaces the endpoint set. Picks already made on a removed endpoint stay valid (the request drains). */
  update(endpoints: readonly Endpoint[]): void;
  /** An endpoint for the next request or connection, or undefined when the set is empty. */
  choose(): Pick | undefined;
  /** Hears when an endpoint becomes available without the set changing (a penalty ended: accrual.ts). */
  subscribe?(listener: () => void): () => void;
  /** Why nothing can be chosen although the set is not empty (failfast's error message). */
  unavailableReason?(): string | undefined;
}

export type BalancerKind = 'p2c' | 'round-robin';
