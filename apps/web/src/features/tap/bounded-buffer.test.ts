import { describe, expect, it } from 'vitest';
import { BoundedBuffer } from './bounded-buffer';

describe('BoundedBuffer', () => {
  it('keeps the newest entries in arrival order and counts evictions', () => {
    const b = new BoundedBuffer<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) b.set(k, i);
    expect([...b.values()]).toEqual([2, 3, 4]);
    expect(b.newestFirst()).toEqual([4, 3, 2]);
    expect(b.size).toBe(3);
    expect(b.evicted).toBe(2);
    expect(b.get('a')).toBeUndefined();
  });

  it('updates in place without evicting or reordering', () => {
    const b = new BoundedBuffer<string, number>(2);
    b.set('a', 1);
    b.set('b', 2);
    b.set('a', 10);
    expect([...b.values()]).toEqual([10, 2]);
    expect(b.evicted).toBe(0);
  });

  it('clears entries and the eviction count', () => {
    const b = new BoundedBuffer<number, number>(1);
    b.set(1, 1);
    b.set(2, 2);
    b.clear();
    expect(b.size).toBe(0);
    expect(b.evicted).toBe(0);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new BoundedBuffer(0)).toThrow(RangeError);
    expect(() => new BoundedBuffer(1.5)).toThrow(RangeError);
  });
});
