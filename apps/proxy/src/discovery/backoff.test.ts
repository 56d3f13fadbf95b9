import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, 0.5, 100],
    [1, 0.5, 200],
    [5, 0.5, 3200],
    [7, 0.5, 10_000],
    [40, 0.5, 10_000],
    [0, 0, 90],
    [0, 1, 110],
  ])('attempt %i with random %f → %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, undefined, () => random)).toBe(expected);
  });
});
