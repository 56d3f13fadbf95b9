import { describe, expect, it } from 'vitest';
import { ResetBudget } from './rapid-reset.js';

/** Feeds resets at the given times (ms) and returns, for each, whether it exceeded the budget. */
function run(max: number, windowMs: number, times: readonly number[]): boolean[] {
  let now = 0;
  const budget = new ResetBudget({ max, windowMs }, () => now);
  return times.map((t) => {
    now = t;
    return budget.record();
  });
}

describe('ResetBudget', () => {
  it.each([
    { name: 'under the limit', max: 3, windowMs: 100, times: [0, 1, 2], expected: [false, false, false] },
    { name: 'one over within the window', max: 3, windowMs: 100, times: [0, 1, 2, 3], expected: [false, false, false, true] },
    { name: 'spread beyond the window', max: 3, windowMs: 100, times: [0, 50, 99, 100, 150, 199, 200], expected: [false, false, false, false, false, false, false] },
    { name: 'a burst after a quiet spell', max: 2, windowMs: 100, times: [0, 500, 501, 502], expected: [false, false, false, true] },
    { name: 'the window slides', max: 2, windowMs: 10, times: [0, 5, 9, 16, 20, 21], expected: [false, false, true, false, false, true] },
    { name: 'zero allows none', max: 0, windowMs: 10, times: [0], expected: [true] },
  ])('$name', ({ max, windowMs, times, expected }) => {
    expect(run(max, windowMs, times)).toEqual(expected);
  });
});
