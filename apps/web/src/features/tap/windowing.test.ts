import { describe, expect, it } from 'vitest';
import { offsetOf, windowRange } from './windowing';

const none = () => 0;

describe('windowRange', () => {
  it.each([
    ['top of a long list', { count: 1000, scrollTop: 0 }, { start: 0, end: 13, before: 0, after: 987 * 30, total: 30_000 }],
    ['scrolled into the middle', { count: 1000, scrollTop: 3000 }, { start: 97, end: 113, before: 97 * 30, after: 887 * 30 }],
    ['a short list renders whole', { count: 5, scrollTop: 0 }, { start: 0, end: 5, before: 0, after: 0, total: 150 }],
    ['empty', { count: 0, scrollTop: 0 }, { start: 0, end: 0, before: 0, after: 0, total: 0 }],
    ['scrolled past the end of a list that shrank', { count: 10, scrollTop: 5000 }, { start: 7, end: 10, before: 210, after: 0 }],
  ])('%s', (_name, o, expected) =>
    expect(windowRange({ rowHeight: 30, extra: none, viewportHeight: 300, overscan: 3, ...o })).toMatchObject(expected),
  );

  it('accounts for expanded rows', () => {
    const extra = (i: number) => (i === 2 ? 400 : 0);
    const r = windowRange({ count: 100, rowHeight: 30, extra, scrollTop: 500, viewportHeight: 300, overscan: 2 });
    // Rows 0–2 end at 90 + 400 = 490; row 3 spans 490–520, so it is the first visible one.
    expect(r.start).toBe(1);
    expect(r.before).toBe(30);
    expect(r.total).toBe(100 * 30 + 400);
    expect(r.before + r.after + offsetOf(r.end, 30, extra) - offsetOf(r.start, 30, extra)).toBe(r.total);
  });
});

describe('offsetOf', () => {
  it('sums the heights above a row', () => expect(offsetOf(3, 30, (i) => (i === 1 ? 100 : 0))).toBe(190));
});
