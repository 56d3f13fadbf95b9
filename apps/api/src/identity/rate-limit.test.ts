// Token buckets with an injected clock: per-client and global limits, refill, and bounded client state.
import { describe, expect, it } from 'vitest';
import { createRateLimiter, createTokenBucket } from './rate-limit.js';

describe('createTokenBucket', () => {
  it.each([
    // [burst, perSecond, take times (ms), expected results]
    [3, 1, [0, 0, 0, 0], [true, true, true, false]],
    [1, 1, [0, 500, 999, 1000], [true, false, false, true]],
    [2, 10, [0, 0, 0, 100, 100, 250], [true, true, false, true, false, true]],
    // Refill is capped at the burst: a long idle time does not bank tokens.
    [2, 1, [0, 0, 60_000, 60_000, 60_000], [true, true, true, true, false]],
  ])('burst %i, %i/s: takes at %j → %j', (burst, perSecond, times, expected) => {
    const bucket = createTokenBucket({ burst, perSecond }, 0);
    expect(times.map((t) => bucket.take(t))).toEqual(expected);
  });

  it('says how long until the next token', () => {
    const bucket = createTokenBucket({ burst: 1, perSecond: 2 }, 0);
    bucket.take(0);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.waitMs(400)).toBe(100);
  });
});

describe('createRateLimiter', () => {
  const make = (maxClients?: number) => {
    let now = 0;
    const limiter = createRateLimiter({ perClient: { burst: 2, perSecond: 1 }, global: { burst: 3, perSecond: 1 }, now: () => now, ...(maxClients ? { maxClients } : {}) });
    return { limiter, advance: (ms: number) => (now += ms) };
  };

  it('a storming client is limited by its own bucket and does not drain the global one', () => {
    const { limiter } = make();
    const storm = Array.from({ length: 20 }, () => limiter.take('10.0.0.1').allowed);
    expect(storm.filter(Boolean)).toHaveLength(2);
    expect(limiter.take('10.0.0.1')).toMatchObject({ allowed: false, scope: 'client', retryAfterMs: 1000 });
    expect(limiter.take('10.0.0.2').allowed).toBe(true);
  });

  it('many clients together hit the global limit; after the window a client succeeds again', () => {
    const { limiter, advance } = make();
    const results = ['a', 'b', 'c', 'd'].map((c) => limiter.take(c));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ scope: 'global' });
    advance(1000);
    expect(limiter.take('d').allowed).toBe(true);
  });

  it('keeps at most maxClients buckets, forgetting full ones first', () => {
    const { limiter, advance } = make(2);
    limiter.take('a');
    limiter.take('b');
    advance(10_000);
    limiter.take('c');
    expect(limiter.clientCount).toBeLessThanOrEqual(2);
    for (let i = 0; i < 50; i++) limiter.take(`x${i}`);
    expect(limiter.clientCount).toBeLessThanOrEqual(2);
  });
});
