import type { TapEvent } from '@signalbox/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TapCapture } from './tap-capture';
import type { Timers } from './throttle';

const timers: Timers = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };
const peer = { addr: '127.0.0.1:1', meta: {} };
const req = (stream: number): TapEvent => ({
  id: { base: 0, stream },
  direction: 'outbound',
  source: peer,
  destination: peer,
  at: stream,
  requestInit: { method: 'GET', scheme: 'http', authority: 'a', path: `/${stream}`, headers: [] },
});
const paths = (c: TapCapture) => c.getSnapshot().rows.map((r) => r.requestInit?.requestInit.path);

describe('TapCapture', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('publishes snapshots at most every redraw interval, newest first', () => {
    const c = new TapCapture({ capacity: 100, redrawMs: 500, timers });
    const listener = vi.fn();
    c.subscribe(listener);
    for (let i = 1; i <= 1000; i += 1) {
      c.addEvent(req(i));
      if (i % 1 === 0) vi.advanceTimersByTime(1); // 1 000 events/s
    }
    expect(listener.mock.calls.length).toBeLessThanOrEqual(3);
    vi.advanceTimersByTime(500);
    expect(c.getSnapshot().rows).toHaveLength(100);
    expect(paths(c)[0]).toBe('/1000');
    expect(c.getSnapshot()).toMatchObject({ received: 1000, evicted: 900 });
  });

  it('pause keeps the buffer: events received while paused are kept (up to the cap) and shown on resume', () => {
    const c = new TapCapture({ capacity: 5, redrawMs: 500, timers });
    c.addEvent(req(1));
    c.flush();
    c.setPaused(true);
    for (let i = 2; i <= 4; i += 1) c.addEvent(req(i));
    vi.advanceTimersByTime(1000);
    expect(paths(c)).toEqual(['/1']);
    expect(c.getSnapshot()).toMatchObject({ paused: true, heldWhilePaused: 3, received: 4 });
    expect(c.events()).toHaveLength(4); // an export while paused has everything
    c.setPaused(false);
    expect(paths(c)).toEqual(['/4', '/3', '/2', '/1']);
    expect(c.getSnapshot()).toMatchObject({ paused: false, heldWhilePaused: 0 });
  });

  it('counts dropped notices, keeps the latest notices, and clears', () => {
    const c = new TapCapture({ capacity: 5, redrawMs: 500, timers });
    c.addDropped(3);
    c.addDropped(2);
    for (let i = 0; i < 7; i += 1) c.addNotice({ code: 'SB_TAP_PROXY_UNAVAILABLE', message: `n${i}`, at: i });
    c.flush();
    expect(c.getSnapshot().dropped).toBe(5);
    expect(c.getSnapshot().notices.map((n) => n.message)).toEqual(['n6', 'n5', 'n4', 'n3', 'n2']);
    c.addEvent(req(1));
    c.clear();
    expect(c.getSnapshot()).toMatchObject({ rows: [], received: 0, dropped: 0, notices: [] });
  });

  it('keeps rows of different sessions apart', () => {
    const c = new TapCapture({ capacity: 5, timers });
    c.addEvent(req(1));
    c.newSession();
    c.addEvent(req(1));
    c.flush();
    expect(c.getSnapshot().rows).toHaveLength(2);
  });
});
