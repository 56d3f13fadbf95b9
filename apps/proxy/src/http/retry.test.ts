import { describe, expect, it } from 'vitest';
import { RetryBudget, retryDelayMs } from './retry.js';

function budget(retryRatio: number, minRetriesPerSecond: number, ttlMs = 10_000) {
  const clock = { now: 0 };
  return { b: new RetryBudget({ retryRatio, minRetriesPerSecond, ttlMs }, () => clock.now), clock };
}
const withdrawals = (b: RetryBudget, n: number) => Array.from({ length: n }, () => b.withdraw()).filter(Boolean).length;

describe('RetryBudget', () => {
  it.each<[string, number, number, number, number, number]>([
    // name, ratio, min/s, deposits, tries, allowed
    ['ratio 0.2, no reserve: one retry per five requests', 0.2, 0, 100, 50, 20],
    ['the reserve alone: min/s × ttl', 0.2, 1, 0, 50, 10],
    ['reserve plus ratio', 0.2, 1, 100, 100, 30],
    ['ratio 1.0: one retry per request', 1, 0, 40, 100, 40],
    ['nothing deposited, no reserve: none', 0.2, 0, 0, 5, 0],
  ])('%s', (_n, ratio, min, deposits, tries, allowed) => {
    const { b } = budget(ratio, min);
    for (let i = 0; i < deposits; i++) b.deposit();
    expect(withdrawals(b, tries)).toBe(allowed);
  });

  it('deposits and withdrawals expire after the ttl, slot by slot', () => {
    const { b, clock } = budget(0.5, 0, 10_000);
    for (let i = 0; i < 20; i++) b.deposit();
    expect(withdrawals(b, 20)).toBe(10);
    clock.now = 5_000;
    expect(b.withdraw()).toBe(false); // the same window still
    for (let i = 0; i < 20; i++) b.deposit();
    expect(withdrawals(b, 20)).toBe(10);
    clock.now = 10_500; // the first 20 deposits and 10 withdrawals have expired
    expect(withdrawals(b, 20)).toBe(0);
    for (let i = 0; i < 4; i++) b.deposit();
    expect(withdrawals(b, 20)).toBe(2);
    clock.now = 60_000; // everything expired
    expect(b.withdraw()).toBe(false);
  });
});

describe('retryDelayMs (25 ms doubling to 250 ms, jitter 1.0)', () => {
  it.each([
    [0, 0, 25],
    [0, 0.5, 37.5],
    [1, 0, 50],
    [2, 0.99, 199],
    [3, 0, 200],
    [3, 0.5, 250],
    [10, 0, 250],
    [10, 1, 250],
  ])('retry %i with random %f → %f ms', (retry, random, expected) => {
    expect(retryDelayMs(retry, () => random)).toBeCloseTo(expected, 6);
  });
});
