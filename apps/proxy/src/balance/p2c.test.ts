import type { Endpoint } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import type { Pick } from './balancer.js';
import { uniform } from '../../test/support/random.js';
import { P2c, type P2cOptions } from './p2c.js';

const ep = (addr: string): Endpoint => ({
  addr,
  meshed: true,
  labels: { namespace: 'demo', service: 'web', deployment: 'web', pod: addr, serviceaccount: 'default' },
});
const [a, b, c] = [ep('a:1'), ep('b:1'), ep('c:1')];

/** Random values replayed from a list (then repeating its last). */
function scripted(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] as number;
}

/**
 * A pick on `addr`, whatever the balancer prefers: picks landing elsewhere are held (their pending load pushes the
 * next picks toward `addr`), then released without a sample. Bounded, so a wrong balancer fails instead of hanging.
 */
function pickOn(p2c: P2c, addr: string): Pick {
  const held: Pick[] = [];
  try {
    for (let i = 0; i < 100_000; i++) {
      const pick = p2c.choose() as Pick;
      if (pick.endpoint.addr === addr) return pick;
      held.push(pick);
    }
    throw new Error(`no pick on ${addr} in 100000 tries`);
  } finally {
    for (const h of held) h.done();
  }
}

function balancer(endpoints: Endpoint[], options: P2cOptions = {}) {
  const clock = { now: 0 };
  const p2c = new P2c({ now: () => clock.now, random: uniform(7), ...options });
  p2c.update(endpoints);
  return { p2c, clock };
}

/**
 * Runs `n` requests, `concurrency` at a time, on a simulated clock: each endpoint answers after its fixed RTT.
 * Returns how many requests each address served.
 */
function simulate(p2c: P2c, clock: { now: number }, rtts: Record<string, number>, n: number, concurrency: number) {
  const served: Record<string, number> = {};
  const inflight: { pick: Pick; endsAt: number; rtt: number }[] = [];
  for (let sent = 0; sent < n; ) {
    while (inflight.length < concurrency && sent < n) {
      const pick = p2c.choose() as Pick;
      const rtt = rtts[pick.endpoint.addr] as number;
      inflight.push({ pick, endsAt: clock.now + rtt, rtt });
      served[pick.endpoint.addr] = (served[pick.endpoint.addr] ?? 0) + 1;
      sent++;
    }
    inflight.sort((x, y) => x.endsAt - y.endsAt);
    const next = inflight.shift() as (typeof inflight)[number];
    clock.now = next.endsAt;
    next.pick.done(next.rtt);
  }
  for (const f of inflight) f.pick.done(f.rtt);
  return served;
}

describe('P2c peak-EWMA', () => {
  it.each<[string, Record<string, number>, number]>([
    ['sequential requests', { 'a:1': 1, 'b:1': 10 }, 1],
    ['8 concurrent requests', { 'a:1': 1, 'b:1': 10 }, 8],
    ['64 concurrent requests: the slow one takes overflow, still the smaller share', { 'a:1': 1, 'b:1': 10 }, 64],
    ['three endpoints, one slow', { 'a:1': 2, 'b:1': 20, 'c:1': 2 }, 16],
  ])('a slow endpoint gets a smaller share: %s', (_n, rtts, concurrency) => {
    const { p2c, clock } = balancer(Object.keys(rtts).map(ep));
    const served = simulate(p2c, clock, rtts, 2000, concurrency);
    const fast = Object.keys(rtts).filter((k) => (rtts[k] as number) < 10);
    for (const f of fast) expect(served[f] ?? 0).toBeGreaterThan(served['b:1'] ?? 0);
    expect(served['b:1'] ?? 0).toBeLessThan(2000 / Object.keys(rtts).length / 2);
  });

  it.each<[string, number, number, string]>([
    ['a busier: b', 3, 0, 'b:1'],
    ['b busier: a', 0, 2, 'a:1'],
  ])('pending load shifts picks between equal estimates: %s', (_n, pendingA, pendingB, expected) => {
    const { p2c } = balancer([a, b]);
    for (let i = 0; i < pendingA; i++) pickOn(p2c, 'a:1');
    for (let i = 0; i < pendingB; i++) pickOn(p2c, 'b:1');
    for (let i = 0; i < 20; i++) {
      const pick = p2c.choose() as Pick;
      expect(pick.endpoint.addr).toBe(expected);
      pick.done();
    }
  });

  it.each<[atMs: number, expected: string]>([
    [1_000, 'b:1'],
    [10_000, 'b:1'],
    [30_000, 'a:1'],
    [60_000, 'a:1'],
  ])('decay: after a 100 ms peak on a (then 5 ms samples) and steady 20 ms on b, at %i ms → %s', (atMs, expected) => {
    const { p2c, clock } = balancer([a, b]);
    const sample = (addr: string, rtt: number) => pickOn(p2c, addr).done(rtt);
    sample('a:1', 100);
    sample('b:1', 20);
    // Feed both once per second, whichever the balancer prefers: their loads are what we compare.
    for (let t = 1000; t <= atMs; t += 1000) {
      clock.now = t;
      sample('a:1', 5);
      sample('b:1', 20);
    }
    const loadA = p2c.loadOf('a:1')?.rttMs as number;
    const loadB = p2c.loadOf('b:1')?.rttMs as number;
    expect(loadA < loadB ? 'a:1' : 'b:1').toBe(expected);
    expect((p2c.choose() as Pick).endpoint.addr).toBe(expected);
  });

  it('a removed endpoint is never chosen, its in-flight pick still completes, and removal is reported', () => {
    const removed: string[] = [];
    const { p2c } = balancer([a, b, c], { onRemoved: (e) => removed.push(e.addr) });
    const onB = pickOn(p2c, 'b:1');
    p2c.update([a, c]);
    expect(removed).toEqual(['b:1']);
    expect(p2c.loadOf('b:1')).toBeUndefined();
    for (let i = 0; i < 500; i++) {
      const pick = p2c.choose() as Pick;
      expect(pick.endpoint.addr).not.toBe('b:1');
      pick.done(1);
    }
    expect(() => onB.done(5)).not.toThrow();
    p2c.update([a, b, c]);
    expect(p2c.loadOf('b:1')).toEqual({ pending: 0, rttMs: 30 });
  });

  it('endpoints that stay keep their estimate and pending count across updates', () => {
    const { p2c } = balancer([a, b]);
    const held = p2c.choose() as Pick;
    held.done(80);
    const again = p2c.choose() as Pick;
    p2c.update([b, a, c]);
    expect(p2c.loadOf(again.endpoint.addr)?.pending).toBe(1);
    expect(p2c.loadOf(held.endpoint.addr)?.rttMs).toBe(80);
  });

  it.each<[string, number[], string]>([
    ['first sample a', [0.1, 0.5], 'a:1'],
    ['first sample b', [0.9, 0.5], 'b:1'],
  ])('ties go to the first (random) sample: %s', (_n, randoms, expected) => {
    const { p2c } = balancer([a, b], { random: scripted(randoms) });
    expect((p2c.choose() as Pick).endpoint.addr).toBe(expected);
  });

  it('samples two distinct endpoints', () => {
    // 0.99 → index 2 (c); 0.99 of the remaining two → index 1, bumped past c's index? no: 1 < 2, stays b.
    const { p2c } = balancer([a, b, c], { random: scripted([0.99, 0.99]) });
    const pick = p2c.choose() as Pick;
    expect(['b:1', 'c:1']).toContain(pick.endpoint.addr);
    pick.done();
    const { p2c: two } = balancer([a, b], { random: scripted([0.0, 0.0]) });
    two.choose()?.done(1); // a measured at 1 ms: cheaper than b's default 30 ms
    // i = 0 (a), j = 0 → bumped to 1 (b): the two choices differ, so the cheaper one, a, wins.
    expect(two.choose()?.endpoint.addr).toBe('a:1');
  });

  it('empty set → undefined; one endpoint → it, without drawing random numbers', () => {
    let draws = 0;
    const { p2c } = balancer([], { random: () => (draws++, 0.5) });
    expect(p2c.choose()).toBeUndefined();
    p2c.update([c]);
    expect(p2c.choose()?.endpoint.addr).toBe('c:1');
    expect(draws).toBe(0);
  });

  it('a failure counts as at least the penalty, so a fast-failing endpoint loses its picks', () => {
    const { p2c, clock } = balancer([a, b], { failurePenaltyMs: 1000 });
    clock.now = 10_000;
    pickOn(p2c, 'b:1').done(2);
    pickOn(p2c, 'a:1').done('error');
    expect(p2c.loadOf('a:1')?.rttMs).toBe(1000);
    for (let i = 0; i < 50; i++) {
      const pick = p2c.choose() as Pick;
      expect(pick.endpoint.addr).toBe('b:1');
      pick.done(2);
    }
  });

  it('done() is idempotent and an abandoned pick records no sample', () => {
    const { p2c } = balancer([c]);
    const pick = p2c.choose() as Pick;
    pick.done();
    pick.done(500);
    expect(p2c.loadOf('c:1')).toEqual({ pending: 0, rttMs: 30 });
  });
});

describe('P2c on open connections (opaque TCP)', () => {
  it('picks the endpoint with fewer open connections; closing one shifts picks back', () => {
    const { p2c } = balancer([a, b], { load: 'connections' });
    const open: Pick[] = [];
    for (let i = 0; i < 10; i++) open.push(p2c.choose() as Pick);
    const count = (addr: string) => open.filter((p) => p.endpoint.addr === addr).length;
    expect(count('a:1')).toBe(5);
    expect(count('b:1')).toBe(5);
    for (const p of open.filter((x) => x.endpoint.addr === 'a:1').slice(0, 2)) p.done();
    expect(p2c.choose()?.endpoint.addr).toBe('a:1');
    expect(p2c.loadOf('a:1')?.pending).toBe(4);
  });
});
