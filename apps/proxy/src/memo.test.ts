import { describe, expect, it } from 'vitest';
import { memoize } from './memo.js';

describe('memoize', () => {
  it('computes each key once and returns the same value after', () => {
    const calls: string[] = [];
    const upper = memoize((k) => {
      calls.push(k);
      return { k: k.toUpperCase() };
    });
    const a = upper('a');
    expect(upper('a')).toBe(a);
    expect(upper('b')).toEqual({ k: 'B' });
    expect(calls).toEqual(['a', 'b']);
  });

  it('remembers undefined results too', () => {
    let calls = 0;
    const none = memoize(() => {
      calls++;
      return undefined;
    });
    none('x');
    none('x');
    expect(calls).toBe(1);
  });

  it('forgets everything past max distinct keys, so memory stays bounded', () => {
    const calls: string[] = [];
    const id = memoize((k) => (calls.push(k), k), 2);
    id('a');
    id('b');
    id('c'); // third key: the memo starts over with c
    id('a');
    id('c');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
