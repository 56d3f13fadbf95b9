import { describe, expect, it } from 'vitest';
import { PeakEwma } from './ewma.js';

const e1 = Math.exp(-1);

describe('PeakEwma (default 30 ms, decay 10 s)', () => {
  it.each<[string, [atMs: number, rttMs: number][], number, number]>([
    ['unmeasured: the default RTT', [], 0, 30],
    ['unmeasured, read one decay later: decays toward zero', [], 10_000, 30 * e1],
    ['a sample above the estimate replaces it (peak)', [[0, 50]], 0, 50],
    ['a lower sample at the same instant does not move it', [[0, 10]], 0, 30],
    ['a lower sample one decay later: weight 1 - 1/e', [[10_000, 10]], 10_000, 30 * e1 + 10 * (1 - e1)],
    ['a peak, then low samples every second: still well above them after 5 s', [[0, 100], ...seconds(1, 5, 5)], 5000, 5 + 95 * Math.exp(-0.5)],
    ['a peak, then low samples every second: back near them after 60 s', [[0, 100], ...seconds(1, 60, 5)], 60_000, 5 + 95 * Math.exp(-6)],
  ])('%s', (_n, samples, readAt, expected) => {
    const ewma = new PeakEwma(0);
    for (const [at, rtt] of samples) ewma.observe(rtt, at);
    expect(ewma.estimate(readAt)).toBeCloseTo(expected, 6);
  });
});

function seconds(from: number, to: number, rtt: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = from; s <= to; s++) out.push([s * 1000, rtt]);
  return out;
}
