import { describe, expect, it } from 'vitest';
import { pickWeighted } from './weighted.js';

describe('pickWeighted', () => {
  it.each<[string, number[], number, number]>([
    ['90/10: low draw → first', [90, 10], 0, 0],
    ['90/10: 0.899 → first', [90, 10], 0.899, 0],
    ['90/10: 0.9 → second', [90, 10], 0.9, 1],
    ['90/10: top → second', [90, 10], 0.999999, 1],
    ['0/100: always the second', [0, 100], 0, 1],
    ['100/0: always the first', [100, 0], 0.9999, 0],
    ['zero weight in the middle is skipped', [1, 0, 1], 0.5, 2],
    ['all zero → none', [0, 0], 0.5, -1],
    ['empty → none', [], 0.5, -1],
  ])('%s', (_n, weights, r, expected) => {
    expect(pickWeighted(weights, () => r)).toBe(expected);
  });

  it('splits 90/10 over a uniform sequence of draws exactly', () => {
    const counts = [0, 0];
    for (let i = 0; i < 1000; i++) counts[pickWeighted([90, 10], () => i / 1000)]! += 1;
    expect(counts).toEqual([900, 100]);
  });
});
