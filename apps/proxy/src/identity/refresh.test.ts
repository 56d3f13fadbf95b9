// Renewal schedule and retry backoff, with an injected clock and RNG.
import { describe, expect, it } from 'vitest';
import { refreshDelayMs, retryDelayMs } from './refresh.js';

const H = 3_600_000;

describe('refreshDelayMs', () => {
  it.each([
    ['24 h certificate: 70 % (16 h 48 min)', 24 * H, 60_480_000],
    ['1 h certificate', H, 0.7 * H],
    ['20 s certificate: 14 s', 20_000, 14_000],
    ['10 s left: clamped up to 10 s', 10_000, 10_000],
    ['already expired: 10 s', -5_000, 10_000],
    ['a year: clamped down to 24 h', 365 * 24 * H, 24 * H],
  ])('%s', (_what, remaining, expected) => {
    const now = 1_700_000_000_000;
    expect(refreshDelayMs(now + remaining, now)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [0, 0.5, 1000],
    [1, 0.5, 2000],
    [3, 0.5, 8000],
    [6, 0.5, 60_000],
    [40, 0.5, 60_000],
    [0, 0, 500],
    [0, 1, 1500],
    [10, 0, 30_000],
  ])('attempt %i, random %d → %i ms', (attempt, random, expected) => {
    expect(retryDelayMs(attempt, () => random)).toBe(expected);
  });
});
