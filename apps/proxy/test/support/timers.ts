// Watching the timers one source file sets in an in-process proxy (the retry backoff's, abortable.ts): a wait that
// a route's timeout cut short must be cleared, not left pending to fire after the answer went out. And the one test
// body that needs it, run for HTTP/1 and for gRPC: a route's timeout landing in the wait between two attempts.
import { expect, vi } from 'vitest';

export interface WatchedTimer {
  readonly ms: number;
  /** performance.now() when it fired. */
  firedAt?: number;
  /** performance.now() when it was cleared before firing. */
  clearedAt?: number;
}

export interface TimerWatch {
  /** In the order they were set. */
  readonly timers: readonly WatchedTimer[];
  restore(): void;
}

/** Records every `setTimeout` called from a file whose path matches `from` (read from the stack), until `restore`. */
export function watchTimers(from: RegExp): TimerWatch {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const timers: WatchedTimer[] = [];
  const watched = new Map<unknown, WatchedTimer>();
  const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (!from.test(new Error().stack ?? '')) return realSet(fn, ms, ...args);
    const t: WatchedTimer = { ms: ms ?? 0 };
    timers.push(t);
    const handle = realSet(() => {
      t.firedAt = performance.now();
      fn(...args);
    }, ms);
    watched.set(handle, t);
    return handle;
  }) as unknown as typeof setTimeout);
  const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation((handle) => {
    const t = watched.get(handle);
    if (t && t.firedAt === undefined && t.clearedAt === undefined) t.clearedAt = performance.now();
    realClear(handle);
  });
  return {
    timers,
    restore() {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

/** The backoff's timers: abortable.ts's sleep (source or built). */
export const backoffSource = /[/\\]abortable\.[jt]s:/;

export interface BackoffTimeout {
  readonly timeoutMs: number;
  /** Attempts the upstream received so far. */
  attempts(): number;
  /** The proxy's metric `name`, summed over the series with `labels`. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
  /** The route's labels. */
  readonly route: Record<string, string>;
  /** One request; asserts the client's answer (504 timeout, or DEADLINE_EXCEEDED). */
  call(): Promise<void>;
}

/** Longer than the longest wait between attempts (250 ms): an attempt or a wait left running would show by then. */
const settleMs = 400;

/**
 * A retryable route whose attempts fail at once, with a budget that never runs out, under `timeoutMs`: the waits
 * between attempts (≥ 25 ms each) are nearly all of the time, so the timeout lands in one. A run where it cut an
 * attempt short instead (that attempt then counts as a timeout) is run again, up to 5 times.
 */
export async function timeoutDuringBackoff(c: BackoffTimeout): Promise<void> {
  const sum = (name: string, labels: Record<string, string> = {}) => c.metric(name, { ...c.route, ...labels });
  for (let run = 1; ; run++) {
    const attemptsBefore = c.attempts();
    const [requests, actual, timeouts, actualTimeouts] = await Promise.all([
      sum('route_request_total'),
      sum('route_actual_request_total'),
      sum('route_response_total', { error: 'timeout' }),
      sum('route_actual_response_total', { error: 'timeout' }),
    ]);
    const watch = watchTimers(backoffSource);
    try {
      const started = performance.now();
      await c.call();
      const answeredAt = performance.now();
      expect(answeredAt - started).toBeGreaterThanOrEqual(c.timeoutMs - 10);
      expect(answeredAt - started).toBeLessThan(c.timeoutMs + 1500);
      const attempts = c.attempts() - attemptsBefore;
      await new Promise((r) => setTimeout(r, settleMs));
      // Checked first: an attempt the timeout cut short may reach the upstream after the answer (it was in flight),
      // which is that case, not an attempt made after the timeout.
      const cutAttempt = (await sum('route_actual_response_total', { error: 'timeout' })) - actualTimeouts;
      if (cutAttempt === 1 && run < 5) continue;
      expect(cutAttempt).toBe(0);

      expect(c.attempts() - attemptsBefore).toBe(attempts);
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect((await sum('route_actual_request_total')) - actual).toBe(attempts);
      expect((await sum('route_request_total')) - requests).toBe(1);
      expect((await sum('route_response_total', { error: 'timeout' })) - timeouts).toBe(1);
      // No timer the backoff set fires after the answer.
      expect(watch.timers.filter((t) => t.firedAt === undefined && t.clearedAt === undefined)).toEqual([]);
      expect(watch.timers.filter((t) => t.firedAt !== undefined && t.firedAt > answeredAt)).toEqual([]);
      // One wait before each attempt after the first, and the one the timeout cut short, cleared.
      expect(watch.timers).toHaveLength(attempts);
      expect(watch.timers.at(-1)?.clearedAt).toBeLessThanOrEqual(answeredAt);
      return;
    } finally {
      watch.restore();
    }
  }
}
