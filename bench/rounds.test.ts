import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import { foldRounds, median } from './rounds.js';

const load = (rps: number, p99: number, errors = 0): LoadResult => ({ requests: rps * 6, seconds: 6, rps, p50: p99 / 2, p99, errors });

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[1.53, 1.43, 1.47], 1.47],
  ])('of %j is %d', (values, expected) => expect(median(values)).toBe(expected));

  it('is NaN for no values and leaves its input unsorted', () => {
    expect(median([])).toBeNaN();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('foldRounds', () => {
  it('takes the median of each measurement, the highest memory peak and the sum of errors', () => {
    const subject = { name: 'hop' };
    const folded = foldRounds([
      { subject, max: load(70_000, 1.8), fixed: load(1000, 0.6, 1), cpuUs: 14.8, kernelShare: 0.62, rssMb: 58.7, privateMb: 16.2, proxyPeakMb: 58.7 },
      { subject, max: load(65_000, 2.1), fixed: load(1000, 0.9), cpuUs: 15.6, kernelShare: 0.58, rssMb: 59.4, privateMb: 16.0, proxyPeakMb: 59.4 },
      { subject, max: load(72_000, 1.7), fixed: load(1001, 0.5, 2), cpuUs: 13.7, kernelShare: 0.66, rssMb: 58.9, privateMb: 16.5, proxyPeakMb: 58.9 },
    ]);
    expect(folded.subject).toBe(subject);
    expect(folded.cpuUs).toBe(14.8);
    expect(folded.kernelShare).toBe(0.62);
    expect(folded.max).toEqual({ requests: 420_000, seconds: 6, rps: 70_000, p50: 0.9, p99: 1.8, errors: 0 });
    expect(folded.fixed).toMatchObject({ rps: 1000, p99: 0.6, errors: 3 });
    expect(folded.rssMb).toBe(59.4);
    expect(folded.privateMb).toBe(16.5);
    expect(folded.proxyPeakMb).toBe(59.4);
  });

  it('keeps one round as it is, and memory not measured (direct) as not measured', () => {
    const row = { max: load(200_000, 0.24), fixed: load(1000, 0.15), cpuUs: NaN, kernelShare: NaN, rssMb: NaN, privateMb: NaN, proxyPeakMb: NaN };
    expect(foldRounds([row])).toEqual(row);
  });

  it('refuses no rounds', () => expect(() => foldRounds([])).toThrow(/no rounds/));
});
