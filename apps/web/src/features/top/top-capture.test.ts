import { addTopEvent, createTopState, type TapEvent } from '@signalbox/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Timers } from '../tap/throttle';
import { pruneTop, TopCapture } from './top-capture';

const timers: Timers = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };
const src = { addr: '127.0.0.1:1', meta: { pod: 'web-0' } };
const dst = { addr: '127.0.0.1:2', meta: { pod: 'books-0' } };
let stream = 0;
function call(path: string, status = 200): TapEvent[] {
  const b = { id: { base: 0, stream: ++stream }, direction: 'outbound' as const, source: src, destination: dst, at: 0 };
  return [
    { ...b, requestInit: { method: 'GET', scheme: 'http', authority: 'a', path, headers: [] } },
    { ...b, responseInit: { sinceRequestInitUs: 1000, status, headers: [] } },
    { ...b, responseEnd: { sinceRequestInitUs: 2000, sinceResponseInitUs: 1000, responseBytes: 1, trailers: [] } },
  ];
}

describe('pruneTop', () => {
  it('keeps the busiest rows and forgets the rest', () => {
    const state = createTopState();
    for (const [path, n] of [['/a', 3], ['/b', 1], ['/c', 2]] as const) for (let i = 0; i < n; i += 1) for (const e of call(path)) addTopEvent(state, e);
    const pruned = pruneTop(state, 2);
    expect(pruned.rows.map((r) => [r.path, r.count])).toEqual([['/a', 3], ['/c', 2]]);
    expect(pruned.dropped).toBe(1);
    expect(state.rows.size).toBe(2);
  });
});

describe('TopCapture', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('aggregates calls, redraws at most every 500 ms, keeps at most `keep` rows', () => {
    const top = new TopCapture({ timers, keep: 3 });
    const listener = vi.fn();
    top.subscribe(listener);
    for (let i = 0; i < 100; i += 1) {
      for (const e of call(`/p${i % 5}`, i % 10 === 0 ? 500 : 200)) top.addEvent(e);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(500);
    expect(listener.mock.calls.length).toBeLessThanOrEqual(4);
    const { rows, received } = top.getSnapshot();
    expect(received).toBe(300);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.count > 1)).toBe(true);
  });

  it('forgets pending requests on a new session (ids start over)', () => {
    const top = new TopCapture({ timers });
    const [req, rsp, end] = call('/x');
    top.addEvent(req!);
    top.newSession();
    top.addEvent(rsp!);
    top.addEvent(end!);
    vi.advanceTimersByTime(500);
    expect(top.getSnapshot().rows).toEqual([]);
  });
});
