import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createThrottle, type Timers } from './throttle';

describe('createThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const timers: Timers = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };

  it('runs at once after a quiet spell, then at most once per interval however often it is scheduled', () => {
    const run = vi.fn();
    const t = createThrottle(run, 500, timers);
    t.schedule();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 100; i += 1) {
      t.schedule();
      vi.advanceTimersByTime(10); // 1 000 s⁻¹ of changes for 1 s
    }
    expect(run).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(500);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('flush runs now and cancels the pending run; cancel drops it', () => {
    const run = vi.fn();
    const t = createThrottle(run, 500, timers);
    t.flush();
    t.schedule();
    t.flush();
    expect(run).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
    t.schedule();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
