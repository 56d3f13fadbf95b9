import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('admits perWindow in each 1-s window', () => {
    let now = 0;
    const rate = new RateWindow(3, () => now);
    const takes = (n: number) => Array.from({ length: n }, () => rate.take()).filter(Boolean).length;
    expect(takes(10)).toBe(3);
    now = 999;
    expect(takes(10)).toBe(0);
    now = 1000;
    expect(takes(10)).toBe(3);
    now = 5000;
    expect(takes(2)).toBe(2);
  });

  it('says whether a take would be admitted without taking one', () => {
    let now = 0;
    const rate = new RateWindow(1, () => now);
    expect([rate.open(), rate.open()]).toEqual([true, true]);
    expect(rate.take()).toBe(true);
    expect([rate.open(), rate.take()]).toEqual([false, false]);
    now = 1000;
    expect(rate.open()).toBe(true);
    expect(rate.take()).toBe(true);
  });
});
