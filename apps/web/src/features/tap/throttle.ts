// Redraws at most once per interval (Linkerd's tap and top throttle theirs to 500 ms): `schedule()` on every change,
// `run` fires on the trailing edge, never more often than the interval, and as soon as it can after a quiet spell.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export interface Throttle {
  schedule(): void;
  /** Runs now (resume, load) and resets the interval. */
  flush(): void;
  cancel(): void;
}

export function createThrottle(run: () => void, intervalMs: number, timers: Timers = realTimers): Throttle {
  let last = Number.NEGATIVE_INFINITY;
  let handle: unknown;
  const fire = () => {
    handle = undefined;
    last = timers.now();
    run();
  };
  return {
    schedule() {
      if (handle !== undefined) return;
      handle = timers.setTimeout(fire, Math.max(0, last + intervalMs - timers.now()));
    },
    flush() {
      if (handle !== undefined) timers.clearTimeout(handle);
      fire();
    },
    cancel() {
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    },
  };
}
