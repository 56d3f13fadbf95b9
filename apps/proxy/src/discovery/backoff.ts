// Exponential reconnect backoff with jitter (Linkerd: 100 ms → 10 s, jitter 0.1). Pure given `random`.
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

export const discoveryBackoff: BackoffOptions = { minMs: 100, maxMs: 10_000, jitter: 0.1 };

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, o: BackoffOptions = discoveryBackoff, random = Math.random): number {
  const base = Math.min(o.maxMs, o.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 + o.jitter * (random() * 2 - 1)));
}
