// Seeded pseudo-random sources for property, fuzz and balancer tests, so that a failure replays.

/** mulberry32: a uniform number in [0, 1). */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `next(n)` is an integer in [0, n). */
export function random(seed: number): (n: number) => number {
  const next = uniform(seed);
  return (n) => Math.floor(next() * n);
}
