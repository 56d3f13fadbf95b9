// A seeded pseudo-random source for property and fuzz tests, so that a failure replays.

/** xorshift32: `next(n)` is an integer in [0, n). */
export function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
